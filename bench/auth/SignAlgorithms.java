import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Sign and verify time of the access token's candidate algorithms and providers, side by side in
 * one run: RS256 (2048-bit), ES256 (P-256) and Ed25519 with the JDK's providers, and RS256 and
 * ES256 with Amazon Corretto Crypto Provider when its jar is on the class path (RS256 ACCP*: with
 * the private key translated once into ACCP's own, as the auth service signs). Single-threaded;
 * the variants take turns, round after round, and the medians over the rounds are printed.
 *
 * <pre>
 * java -cp AmazonCorrettoCryptoProvider-2.4.1-linux-x86_64.jar bench/auth/SignAlgorithms.java [rounds] [ops]
 * </pre>
 */
public class SignAlgorithms {

	record Variant(String name, String algorithm, Provider provider, KeyPair keys) {
	}

	public static void main(String[] args) throws Exception {
		int rounds = (args.length > 0) ? Integer.parseInt(args[0]) : 5;
		int ops = (args.length > 1) ? Integer.parseInt(args[1]) : 400;
		List<Variant> variants = new ArrayList<>();
		KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
		rsa.initialize(2048);
		KeyPair rsaKeys = rsa.generateKeyPair();
		KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
		ec.initialize(new ECGenParameterSpec("secp256r1"));
		KeyPair ecKeys = ec.generateKeyPair();
		KeyPair edKeys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
		variants.add(new Variant("RS256 JDK", "SHA256withRSA", null, rsaKeys));
		variants.add(new Variant("ES256 JDK", "SHA256withECDSA", null, ecKeys));
		variants.add(new Variant("Ed25519 JDK", "Ed25519", null, edKeys));
		Provider accp = accp();
		if (accp != null) {
			variants.add(new Variant("RS256 ACCP", "SHA256withRSA", accp, rsaKeys));
			// the key translated once into ACCP's own, as the auth service signs
			java.security.KeyFactory factory = java.security.KeyFactory.getInstance("RSA", accp);
			variants.add(new Variant("RS256 ACCP*", "SHA256withRSA", accp,
					new KeyPair(rsaKeys.getPublic(), (java.security.PrivateKey) factory.translateKey(rsaKeys.getPrivate()))));
			variants.add(new Variant("ES256 ACCP", "SHA256withECDSA", accp, ecKeys));
		}
		byte[] input = new byte[400];
		double[][] sign = new double[variants.size()][rounds];
		double[][] verify = new double[variants.size()][rounds];
		for (int round = -1; round < rounds; round++) { // round -1 is the warm-up
			for (int v = 0; v < variants.size(); v++) {
				Variant variant = variants.get(v);
				Signature signer = (variant.provider() != null) ? Signature.getInstance(variant.algorithm(), variant.provider())
						: Signature.getInstance(variant.algorithm());
				Signature verifier = (variant.provider() != null)
						? Signature.getInstance(variant.algorithm(), variant.provider())
						: Signature.getInstance(variant.algorithm());
				byte[] sig = null;
				int n = (round < 0) ? ops * 3 : ops;
				long t0 = System.nanoTime();
				for (int i = 0; i < n; i++) {
					input[i % input.length]++;
					signer.initSign(variant.keys().getPrivate());
					signer.update(input);
					sig = signer.sign();
				}
				long t1 = System.nanoTime();
				for (int i = 0; i < n; i++) {
					verifier.initVerify(variant.keys().getPublic());
					verifier.update(input);
					if (!verifier.verify(sig)) {
						throw new IllegalStateException(variant.name() + " did not verify its own signature");
					}
				}
				long t2 = System.nanoTime();
				if (round >= 0) {
					sign[v][round] = (t1 - t0) / 1e3 / n;
					verify[v][round] = (t2 - t1) / 1e3 / n;
				}
			}
		}
		int cores = Runtime.getRuntime().availableProcessors();
		System.out.printf("%-12s %10s %10s %14s %16s%n", "variant", "sign_us", "verify_us", "signs/s/core", "verifies/s/core");
		for (int v = 0; v < variants.size(); v++) {
			double s = median(sign[v]);
			double ver = median(verify[v]);
			System.out.printf("%-12s %10.1f %10.1f %14.0f %16.0f%n", variants.get(v).name(), s, ver, 1e6 / s, 1e6 / ver);
		}
		System.out.printf("cores %d, rounds %d x %d ops, medians; java %s%n", cores, rounds, ops,
				System.getProperty("java.version"));
	}

	private static Provider accp() {
		try {
			Class<?> type = Class.forName("com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider");
			Provider provider = (Provider) type.getField("INSTANCE").get(null);
			type.getMethod("assertHealthy").invoke(provider);
			Security.addProvider(provider);
			return provider;
		}
		catch (ReflectiveOperationException | LinkageError ex) {
			System.out.println("ACCP not available: " + ex);
			return null;
		}
	}

	private static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int n = sorted.length;
		return (n % 2 == 1) ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
	}

}
