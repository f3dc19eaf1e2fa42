package dev.portcullis.auth.crypto;

import java.nio.ByteBuffer;
import java.security.DrbgParameters;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;

import org.springframework.stereotype.Component;

/**
 * The service's only source of randomness: a NIST SP 800-90A DRBG seeded once at start-up.
 *
 * <p>The platform default ({@code NativePRNG}, and with it {@link UUID#randomUUID()}) reads
 * {@code /dev/urandom} on every call, a blocking file read that must not happen on an event-loop
 * thread; the DRBG generates in memory after its initial seed.
 */
@Component
public class Randoms {

	private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

	private final SecureRandom random;

	public Randoms() {
		try {
			this.random = SecureRandom.getInstance("DRBG",
					DrbgParameters.instantiation(256, DrbgParameters.Capability.RESEED_ONLY, "portcullis".getBytes()));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("This JVM offers no DRBG SecureRandom", ex);
		}
		this.random.nextBytes(new byte[1]);
	}

	public byte[] bytes(int length) {
		byte[] bytes = new byte[length];
		this.random.nextBytes(bytes);
		return bytes;
	}

	/** {@code length} random bytes, base64url without padding. */
	public String token(int length) {
		return BASE64URL.encodeToString(bytes(length));
	}

	/** A version 4 UUID. */
	public UUID uuid() {
		ByteBuffer buffer = ByteBuffer.wrap(bytes(16));
		long high = (buffer.getLong() & ~0xF000L) | 0x4000L;
		long low = (buffer.getLong() & ~(0xC000L << 48)) | (0x8000L << 48);
		return new UUID(high, low);
	}

	public SecureRandom secureRandom() {
		return this.random;
	}

}
