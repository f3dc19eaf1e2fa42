package dev.portcullis.gateway.security;

import java.text.ParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * An immutable snapshot of the auth service's signature keys, indexed by {@code kid}, each
 * with a ready verifier and the algorithms it may be used with (RFC 7517, RFC 7518 §3).
 *
 * <p>Keys that cannot sign under the configured algorithm allowlist, encryption keys, keys
 * without a {@code kid} and RSA keys under 2048 bits are left out, so a token naming them is
 * rejected like one naming an unknown key.
 *
 * <p>Each fetch installs a new snapshot, so a snapshot's identity is the key set's generation:
 * the verifier's cache compares it to tell whether a token's key must be looked up again.
 */
public final class SigningKeys {

	public static final SigningKeys NONE = new SigningKeys(Map.of(), false);

	private static final Log logger = LogFactory.getLog(SigningKeys.class);

	private final Map<String, SigningKey> byKid;

	private final boolean loaded;

	private SigningKeys(Map<String, SigningKey> byKid, boolean loaded) {
		this.byKid = byKid;
		this.loaded = loaded;
	}

	/**
	 * Parses a JWK Set document.
	 * @param json the document
	 * @param allowed the JWS algorithms the gateway accepts
	 * @return the usable keys
	 * @throws ParseException if the document is not a JWK Set
	 */
	public static SigningKeys parse(String json, Set<JWSAlgorithm> allowed) throws ParseException {
		Map<String, SigningKey> byKid = new HashMap<>();
		for (JWK jwk : JWKSet.parse(json).getKeys()) {
			SigningKey key = toSigningKey(jwk, allowed);
			if (key != null) {
				byKid.put(jwk.getKeyID(), key);
			}
		}
		return new SigningKeys(Map.copyOf(byKid), true);
	}

	/**
	 * A loaded key set of keys built directly rather than parsed from a JWK Set document.
	 * @param keys the keys, each under its JWK's {@code kid}
	 * @return the key set
	 */
	static SigningKeys of(SigningKey... keys) {
		Map<String, SigningKey> byKid = new HashMap<>();
		for (SigningKey key : keys) {
			byKid.put(key.jwk().getKeyID(), key);
		}
		return new SigningKeys(Map.copyOf(byKid), true);
	}

	public boolean loaded() {
		return this.loaded;
	}

	public int size() {
		return this.byKid.size();
	}

	SigningKey find(String kid) {
		return this.byKid.get(kid);
	}

	private static SigningKey toSigningKey(JWK jwk, Set<JWSAlgorithm> allowed) {
		if (jwk.getKeyID() == null || KeyUse.ENCRYPTION.equals(jwk.getKeyUse()) || jwk.isPrivate()) {
			return null;
		}
		try {
			if (jwk instanceof RSAKey rsa) {
				if (rsa.size() < 2048) {
					logger.warn("Ignoring RSA key " + jwk.getKeyID() + ": " + rsa.size() + " bits is under 2048");
					return null;
				}
				return signingKey(jwk, JWSAlgorithm.Family.RSA, allowed, new RSASSAVerifier(rsa));
			}
			if (jwk instanceof ECKey ec) {
				return signingKey(jwk, JWSAlgorithm.Family.EC, allowed, new ECDSAVerifier(ec));
			}
		}
		catch (JOSEException ex) {
			logger.warn("Ignoring unusable key " + jwk.getKeyID() + ": " + ex.getMessage());
		}
		return null;
	}

	private static SigningKey signingKey(JWK jwk, Set<JWSAlgorithm> family, Set<JWSAlgorithm> allowed,
			JWSVerifier verifier) {
		Set<JWSAlgorithm> usable = allowed.stream()
			.filter(family::contains)
			.filter((alg) -> jwk.getAlgorithm() == null || jwk.getAlgorithm().equals(alg))
			.collect(Collectors.toUnmodifiableSet());
		return usable.isEmpty() ? null : new SigningKey(usable, verifier, jwk);
	}

	/**
	 * One public key.
	 *
	 * @param algorithms the allowlisted algorithms this key verifies
	 * @param verifier the signature verifier, safe for concurrent use
	 * @param jwk the key as published
	 */
	record SigningKey(Set<JWSAlgorithm> algorithms, JWSVerifier verifier, JWK jwk) {

		/**
		 * Whether a signature this key verified would verify under {@code other}: the same
		 * published key (material and parameters) for the same algorithms. Fetching an unchanged
		 * key set again yields new, equal keys.
		 */
		boolean sameKeyAs(SigningKey other) {
			return this == other || (this.jwk.equals(other.jwk) && this.algorithms.equals(other.algorithms));
		}

	}

}
