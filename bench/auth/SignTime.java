import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;

/**
 * Time of one RS256 signature (SHA256withRSA, 2048-bit key, the JDK's default provider), the
 * per-refresh cost of issuing the access token, and of one verification for comparison.
 * Single-threaded, after a warm-up:  java bench/auth/SignTime.java [iterations]
 */
public class SignTime {

	public static void main(String[] args) throws Exception {
		int n = (args.length > 0) ? Integer.parseInt(args[0]) : 2000;
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		KeyPair pair = generator.generateKeyPair();
		byte[] input = new byte[400];
		byte[] sig = null;
		Signature signer = Signature.getInstance("SHA256withRSA");
		Signature verifier = Signature.getInstance("SHA256withRSA");
		for (int round = 0; round < 2; round++) {   // the first round is the warm-up
			long t0 = System.nanoTime();
			for (int i = 0; i < n; i++) {
				input[i % input.length]++;
				signer.initSign(pair.getPrivate());
				signer.update(input);
				sig = signer.sign();
			}
			long t1 = System.nanoTime();
			for (int i = 0; i < n; i++) {
				verifier.initVerify(pair.getPublic());
				verifier.update(input);
				verifier.verify(sig);
			}
			long t2 = System.nanoTime();
			if (round == 1) {
				System.out.printf("rs256_sign_ms %.3f%nrs256_verify_ms %.3f%nprovider %s%n", (t1 - t0) / 1e6 / n,
						(t2 - t1) / 1e6 / n, signer.getProvider().getName());
			}
		}
	}

}
