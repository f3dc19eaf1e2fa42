import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

/**
 * Time of one Argon2id verification with the auth service's parameters (salt 16, hash 32,
 * parallelism 1, memory 19456 KiB, iterations 2), single-threaded, after a warm-up: the cost
 * that bounds logins/s (ceiling = cores / this time). Run by bench/auth/run.sh with the auth
 * service's own libraries on the class path:
 *   java -cp '<dir>/BOOT-INF/lib/*' bench/auth/HashTime.java [iterations]
 */
public class HashTime {

	public static void main(String[] args) {
		int n = (args.length > 0) ? Integer.parseInt(args[0]) : 40;
		Argon2PasswordEncoder encoder = new Argon2PasswordEncoder(16, 32, 1, 19456, 2);
		String hash = encoder.encode("correct horse battery staple 42");
		for (int i = 0; i < 10; i++) {
			encoder.matches("correct horse battery staple 42", hash);
		}
		long[] times = new long[n];
		for (int i = 0; i < n; i++) {
			long t0 = System.nanoTime();
			if (!encoder.matches("correct horse battery staple 42", hash)) {
				throw new IllegalStateException("hash mismatch");
			}
			times[i] = System.nanoTime() - t0;
		}
		java.util.Arrays.sort(times);
		System.out.printf("argon2id_verify_ms_median %.2f%nargon2id_verify_ms_min %.2f%n", times[n / 2] / 1e6,
				times[0] / 1e6);
	}

}
