package dev.portcullis.auth.proof;

import java.net.URI;
import java.net.URISyntaxException;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.ErrorCode;

/**
 * Checks one proof of possession as RFC 9449, section 4.3, lays out, for the one key type our
 * client makes: a compact JWS with {@code typ: dpop+jwt}, {@code alg: ES256} and the public P-256
 * key in its {@code jwk} header, signed by that key, whose {@code htm} and {@code htu} name this
 * request, whose {@code iat} is within the window of now, and which has a {@code jti}. Whether the
 * {@code jti} was seen before is {@link ProofReplays}' business. Every defect is the same
 * {@link ErrorCode#INVALID_PROOF}, with a detail that names it (never the proof itself).
 */
final class ProofVerifier {

	static final JOSEObjectType TYPE = new JOSEObjectType("dpop+jwt");

	/** A P-256 proof with a 36-character jti and a long htu is under 800 characters. */
	static final int MAX_PROOF_LENGTH = 4096;

	static final int MAX_JTI_LENGTH = 128;

	private final Duration window;

	ProofVerifier(Duration window) {
		this.window = window;
	}

	/**
	 * @param request the request's proofs, method and URI
	 * @param now the server's clock
	 * @return the verified proof
	 * @throws AuthException {@link ErrorCode#INVALID_PROOF} for any defect, or for no proof
	 */
	Proof verify(ProofRequest request, Instant now) {
		if (request.proofs().size() != 1) {
			throw invalid((request.proofs().isEmpty()) ? "No DPoP proof" : "More than one DPoP header");
		}
		String compact = request.proofs().get(0);
		if (compact.length() > MAX_PROOF_LENGTH) {
			throw invalid("The DPoP proof is too long");
		}
		SignedJWT jwt = parse(compact);
		ECKey key = key(jwt.getHeader());
		verifySignature(jwt, key);
		JWTClaimsSet claims = claims(jwt);
		String htm = stringClaim(claims, "htm");
		if (!request.method().equals(htm)) {
			throw invalid("The DPoP proof's htm is not this request's method");
		}
		if (!sameResource(stringClaim(claims, "htu"), request.target())) {
			throw invalid("The DPoP proof's htu is not this request's URI");
		}
		Date iat = claims.getIssueTime();
		if (iat == null) {
			throw invalid("The DPoP proof has no iat");
		}
		Instant issuedAt = iat.toInstant();
		if (Duration.between(issuedAt, now).abs().compareTo(this.window) > 0) {
			throw invalid("The DPoP proof's iat is outside the accepted window; is the device's clock right?");
		}
		String jti = claims.getJWTID();
		if (jti == null || jti.isBlank() || jti.length() > MAX_JTI_LENGTH) {
			throw invalid("The DPoP proof has no usable jti");
		}
		return new Proof(thumbprint(key), jti, issuedAt);
	}

	/** How long a proof issued at {@code issuedAt} may still be accepted: the end of its window. */
	Instant acceptedUntil(Instant issuedAt) {
		return issuedAt.plus(this.window);
	}

	/**
	 * RFC 9449, section 4.3, item 9: {@code htu} matches the request's URI ignoring query and
	 * fragment, after RFC 3986 syntax- and scheme-based normalisation: scheme and host without
	 * regard to case, the scheme's default port as if written, an empty path as {@code /}.
	 */
	static boolean sameResource(String htu, URI target) {
		if (target == null) {
			return false;
		}
		URI claimed;
		try {
			claimed = new URI(htu);
		}
		catch (URISyntaxException ex) {
			return false;
		}
		if (!claimed.isAbsolute() || claimed.isOpaque() || claimed.getRawUserInfo() != null || claimed.getHost() == null
				|| target.getHost() == null) {
			return false;
		}
		String scheme = claimed.getScheme().toLowerCase(Locale.ROOT);
		return scheme.equals(target.getScheme().toLowerCase(Locale.ROOT))
				&& claimed.getHost().equalsIgnoreCase(target.getHost())
				&& port(scheme, claimed.getPort()) == port(scheme, target.getPort())
				&& path(claimed).equals(path(target));
	}

	private static int port(String scheme, int port) {
		if (port != -1) {
			return port;
		}
		return switch (scheme) {
			case "https" -> 443;
			case "http" -> 80;
			default -> -1;
		};
	}

	private static String path(URI uri) {
		String path = uri.getRawPath();
		return (path == null || path.isEmpty()) ? "/" : path;
	}

	private static SignedJWT parse(String compact) {
		try {
			return SignedJWT.parse(compact);
		}
		catch (ParseException ex) {
			throw invalid("The DPoP proof is not a signed JWT");
		}
	}

	private static ECKey key(JWSHeader header) {
		if (!TYPE.equals(header.getType())) {
			throw invalid("The DPoP proof's typ is not dpop+jwt");
		}
		if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
			throw invalid("The DPoP proof must be signed with ES256");
		}
		JWK jwk = header.getJWK();
		if (!(jwk instanceof ECKey key) || !Curve.P_256.equals(key.getCurve())) {
			throw invalid("The DPoP proof's jwk must be a P-256 public key");
		}
		if (key.isPrivate()) {
			throw invalid("The DPoP proof's jwk holds a private key");
		}
		return key;
	}

	private static void verifySignature(SignedJWT jwt, ECKey key) {
		boolean valid;
		try {
			valid = jwt.verify(new ECDSAVerifier(key));
		}
		catch (JOSEException | IllegalStateException ex) {
			throw invalid("The DPoP proof's signature cannot be checked");
		}
		if (!valid) {
			throw invalid("The DPoP proof's signature is not its jwk's");
		}
	}

	private static JWTClaimsSet claims(SignedJWT jwt) {
		try {
			return jwt.getJWTClaimsSet();
		}
		catch (ParseException ex) {
			throw invalid("The DPoP proof's claims are malformed");
		}
	}

	private static String stringClaim(JWTClaimsSet claims, String name) {
		String value;
		try {
			value = claims.getStringClaim(name);
		}
		catch (ParseException ex) {
			throw invalid("The DPoP proof's " + name + " is not a string");
		}
		if (value == null) {
			throw invalid("The DPoP proof has no " + name);
		}
		return value;
	}

	private static String thumbprint(ECKey key) {
		try {
			return key.computeThumbprint().toString();
		}
		catch (JOSEException ex) {
			throw invalid("The DPoP proof's jwk has no thumbprint");
		}
	}

	static AuthException invalid(String detail) {
		return new AuthException(ErrorCode.INVALID_PROOF, detail);
	}

}
