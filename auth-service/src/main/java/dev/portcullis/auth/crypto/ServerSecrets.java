package dev.portcullis.auth.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import dev.portcullis.auth.config.AuthProperties;

import org.springframework.stereotype.Component;

/**
 * Keys derived from the master secret, each for one purpose (HMAC-SHA-256 with a label, as in
 * HKDF-Expand): the refresh-token pepper and the AES-256-GCM key that seals data at rest.
 */
@Component
public class ServerSecrets {

	private static final int NONCE_LENGTH = 12;

	private static final int TAG_BITS = 128;

	private final SecretKey pepper;

	private final SecretKey sealingKey;

	private final Randoms randoms;

	/**
	 * One pepper MAC per thread, initialised once: {@code doFinal} leaves it ready for the next
	 * value, and a thread uses it for one value at a time. Saves the provider look-up and key
	 * set-up on every refresh.
	 */
	private final ThreadLocal<Mac> pepperMac;

	/** One AES-GCM cipher per thread; {@link #seal} and {@link #open} initialise it for every use. */
	private final ThreadLocal<Cipher> gcm = ThreadLocal.withInitial(ServerSecrets::newGcm);

	public ServerSecrets(AuthProperties properties, Randoms randoms) {
		byte[] master = properties.masterSecret().getBytes(StandardCharsets.UTF_8);
		this.pepper = new SecretKeySpec(derive(master, "portcullis refresh-token pepper v1"), "HmacSHA256");
		this.sealingKey = new SecretKeySpec(derive(master, "portcullis sealing key v1"), "AES");
		this.randoms = randoms;
		SecretKey pepperKey = this.pepper;
		this.pepperMac = ThreadLocal.withInitial(() -> newMac(pepperKey));
	}

	private static byte[] derive(byte[] master, String label) {
		return hmac(new SecretKeySpec(master, "HmacSHA256"), label.getBytes(StandardCharsets.UTF_8));
	}

	/** The keyed hash under which a refresh token is stored: HMAC-SHA-256 with the pepper. */
	public byte[] pepperedHash(String value) {
		return this.pepperMac.get().doFinal(value.getBytes(StandardCharsets.UTF_8));
	}

	/** AES-256-GCM: a fresh nonce followed by the ciphertext and tag; {@code context} is bound as AAD. */
	public byte[] seal(byte[] plaintext, byte[] context) {
		try {
			byte[] nonce = this.randoms.bytes(NONCE_LENGTH);
			Cipher cipher = this.gcm.get();
			cipher.init(Cipher.ENCRYPT_MODE, this.sealingKey, new GCMParameterSpec(TAG_BITS, nonce));
			cipher.updateAAD(context);
			byte[] sealed = cipher.doFinal(plaintext);
			return ByteBuffer.allocate(NONCE_LENGTH + sealed.length).put(nonce).put(sealed).array();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM sealing failed", ex);
		}
	}

	/** Opens what {@link #seal} produced; fails if it was altered or sealed for another context or secret. */
	public byte[] open(byte[] sealed, byte[] context) {
		try {
			Cipher cipher = this.gcm.get();
			cipher.init(Cipher.DECRYPT_MODE, this.sealingKey, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_LENGTH));
			cipher.updateAAD(context);
			return cipher.doFinal(sealed, NONCE_LENGTH, sealed.length - NONCE_LENGTH);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Sealed data could not be opened: was portcullis.auth.master-secret changed?", ex);
		}
	}

	/** Constant-time equality of two byte arrays. */
	public static boolean same(byte[] a, byte[] b) {
		return MessageDigest.isEqual(a, b);
	}

	private static byte[] hmac(SecretKey key, byte[] data) {
		return newMac(key).doFinal(data);
	}

	private static Mac newMac(SecretKey key) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(key);
			return mac;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HMAC-SHA-256 is not available", ex);
		}
	}

	private static Cipher newGcm() {
		try {
			return Cipher.getInstance("AES/GCM/NoPadding");
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM is not available", ex);
		}
	}

}
