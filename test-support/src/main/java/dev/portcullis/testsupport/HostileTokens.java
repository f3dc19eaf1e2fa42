package dev.portcullis.testsupport;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * A table of hostile access tokens: forged algorithms, foreign and injected keys, broken
 * structure, oversize values, duplicated cookies and every claim that must be checked. Each case
 * says which 401 {@code code} it must get. Built from the key the service under test trusts, so
 * "valid but for one thing" cases really are valid but for that one thing.
 */
public final class HostileTokens {

	/** One hostile request: the access-cookie values it sends and the code it must be refused with. */
	public record Case(String name, List<String> cookieValues, String expectedCode) {

		@Override
		public String toString() {
			return this.name;
		}

	}

	private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

	private final RSAKey trusted;

	private final String issuer;

	private final String audience;

	private final String subject;

	private final String sessionId;

	private final RSAKey attacker;

	/** Tokens for a random user and session, for services that only verify the token. */
	public HostileTokens(RSAKey trusted, String issuer, String audience) {
		this(trusted, issuer, audience, UUID.randomUUID().toString(), UUID.randomUUID().toString());
	}

	/** Tokens for a real user and session, for services that also check the session is live. */
	public HostileTokens(RSAKey trusted, String issuer, String audience, String subject, String sessionId) {
		this.trusted = trusted;
		this.issuer = issuer;
		this.audience = audience;
		this.subject = subject;
		this.sessionId = sessionId;
		this.attacker = rsaKey(trusted.getKeyID());
	}

	/** A token the service must accept, for the control case. */
	public String valid() {
		return sign(this.trusted, header(), claims().build());
	}

	public List<Case> cases() {
		List<Case> cases = new ArrayList<>();
		String valid = valid();
		String[] parts = valid.split("\\.");
		String header = parts[0];
		String payload = parts[1];
		String signature = parts[2];
		String invalid = "token_invalid";

		// algorithm confusion
		cases.add(hostile("alg none, no signature", json("{\"alg\":\"none\",\"typ\":\"at+jwt\"}") + "." + payload + "."));
		cases.add(hostile("alg none with the real signature", json("{\"alg\":\"none\",\"typ\":\"at+jwt\"}") + "." + payload + "." + signature));
		cases.add(hostile("alg NONE upper case", json("{\"alg\":\"NONE\",\"typ\":\"at+jwt\"}") + "." + payload + "."));
		cases.add(hostile("HS256 keyed with the public modulus", hmac(this.trusted.getModulus().decode())));
		cases.add(hostile("HS256 keyed with the public JWK JSON",
				hmac(this.trusted.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8))));
		cases.add(hostile("RS512 by the trusted key (alg not allowed)", signWith(this.trusted, JWSAlgorithm.RS512, (h) -> {
		}, (c) -> {
		})));
		cases.add(hostile("PS256 by the trusted key (alg not allowed)", signWith(this.trusted, JWSAlgorithm.PS256, (h) -> {
		}, (c) -> {
		})));
		cases.add(hostile("ES256 by an attacker key", es256()));

		// keys the service never published
		cases.add(hostile("unknown kid", sign(rsaKey("kid-never-published"), header(), claims().build())));
		cases.add(hostile("attacker key reusing the trusted kid", sign(this.attacker, header(), claims().build())));
		cases.add(hostile("kid with path traversal", withHeader((h) -> h.keyID("../../../../etc/passwd"))));
		cases.add(hostile("kid with SQL", withHeader((h) -> h.keyID("x' OR '1'='1' --"))));
		cases.add(hostile("kid missing", withHeader((h) -> h.keyID(null))));
		cases.add(hostile("jku header to an attacker JWKS", signedByAttackerWith((h) -> h.jwkURL(java.net.URI.create("http://127.0.0.1:9/jwks.json")))));
		cases.add(hostile("x5u header to an attacker certificate", signedByAttackerWith((h) -> h.x509CertURL(java.net.URI.create("http://127.0.0.1:9/cert.pem")))));
		cases.add(hostile("jwk header embedding the attacker key", signedByAttackerWith((h) -> h.jwk(this.attacker.toPublicJWK()))));
		cases.add(hostile("unknown critical header", withHeader((h) -> h.criticalParams(java.util.Set.of("portcullis-exp")).customParam("portcullis-exp", 1))));

		// structure
		cases.add(hostile("signature removed", header + "." + payload));
		cases.add(hostile("signature empty", header + "." + payload + "."));
		cases.add(hostile("four segments", valid + ".AAAA"));
		cases.add(hostile("five segments (JWE shape)", header + ".AAAA.AAAA.AAAA.AAAA"));
		cases.add(hostile("bad base64 in header", "%%%." + payload + "." + signature));
		cases.add(hostile("bad base64 in payload", header + ".@@@." + signature));
		cases.add(hostile("bad base64 in signature", header + "." + payload + ".!!!"));
		cases.add(hostile("header not JSON", B64.encodeToString("not json".getBytes(StandardCharsets.UTF_8)) + "." + payload + "." + signature));
		cases.add(hostile("payload not JSON", header + "." + B64.encodeToString("[1,2,3]".getBytes(StandardCharsets.UTF_8)) + "." + signature));
		cases.add(hostile("payload tampered, signature kept", header + "." + json(claims().subject(UUID.randomUUID().toString()).build().toString()) + "." + signature));
		// one signed token, other spellings: a lenient decoder reads the same bytes
		cases.add(hostile("signature re-encoded with padding", valid + "=="));
		cases.add(hostile("signature re-encoded with a padding character inside", header + "." + payload + ".=" + signature));
		cases.add(hostile("signature re-encoded with other trailing bits", header + "." + payload + "." + otherTrailingBits(signature)));
		cases.add(hostile("signature of another valid token spliced", header + "." + payload + "." + valid().split("\\.")[2]));
		// Values that are not RFC 6265 cookie-octets are dropped by the cookie parser: no token arrives.
		cases.add(new Case("Bearer prefix in the cookie", List.of("Bearer " + valid), "token_missing"));
		cases.add(hostile("token over 8 KB", sign(this.trusted, header(), claims().claim("pad", "x".repeat(8500)).build())));
		cases.add(hostile("cookie of 8 KB garbage", "a".repeat(8300)));
		cases.add(new Case("unicode garbage", List.of("\u00e9\u00e8\u00ea.\u00e0\u00e2.\u00e7"), "token_missing"));
		cases.add(new Case("two access cookies, both valid", List.of(valid, valid()), invalid));
		cases.add(new Case("two access cookies, one forged", List.of(valid, sign(this.attacker, header(), claims().build())), invalid));
		cases.add(hostile("an opaque refresh token as the access token", B64.encodeToString(new byte[32])));

		// claims
		cases.add(new Case("expired", List.of(withClaims((c) -> c.issueTime(ago(3600)).notBeforeTime(ago(3600)).expirationTime(ago(600)))),
				"token_expired"));
		cases.add(hostile("nbf in the future", withClaims((c) -> c.notBeforeTime(Date.from(Instant.now().plus(Duration.ofMinutes(10)))))));
		cases.add(hostile("no exp", withClaims((c) -> c.expirationTime(null))));
		// what a forger with a leaked key would mint: valid until long after the key is retired
		cases.add(hostile("exp ten years ahead (lifetime over the maximum)",
				withClaims((c) -> c.expirationTime(Date.from(Instant.now().plus(Duration.ofDays(3650)))))));
		cases.add(hostile("iat moved ahead with a far exp (short-looking lifetime)", withClaims((c) -> c
			.issueTime(Date.from(Instant.now().plus(Duration.ofDays(3650)).minus(Duration.ofMinutes(10))))
			.expirationTime(Date.from(Instant.now().plus(Duration.ofDays(3650)))))));
		cases.add(hostile("exp not a number", withClaims((c) -> c.claim("exp", "tomorrow"))));
		cases.add(hostile("wrong iss", withClaims((c) -> c.issuer("https://evil.example"))));
		cases.add(hostile("no iss", withClaims((c) -> c.issuer(null))));
		cases.add(hostile("wrong aud", withClaims((c) -> c.audience("someone-else"))));
		cases.add(hostile("no aud", withClaims((c) -> c.audience((String) null))));
		cases.add(hostile("typ JWT instead of at+jwt", withHeader((h) -> h.type(JOSEObjectType.JWT))));
		cases.add(hostile("no typ", withHeader((h) -> h.type(null))));
		cases.add(hostile("no sub", withClaims((c) -> c.subject(null))));
		cases.add(hostile("sub not a user id", withClaims((c) -> c.subject("admin\r\nX-User-Roles: admin"))));
		cases.add(hostile("no sid", withClaims((c) -> c.claim("sid", null))));
		cases.add(new Case("empty cookie", List.of(""), "token_missing"));
		return cases;
	}

	private Case hostile(String name, String cookieValue) {
		return new Case(name, List.of(cookieValue), "token_invalid");
	}

	private JWSHeader.Builder header() {
		return new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(this.trusted.getKeyID()).type(new JOSEObjectType("at+jwt"));
	}

	private JWTClaimsSet.Builder claims() {
		Instant now = Instant.now();
		return new JWTClaimsSet.Builder().issuer(this.issuer)
			.audience(this.audience)
			.subject(this.subject)
			.claim("sid", this.sessionId)
			.jwtID(UUID.randomUUID().toString())
			.issueTime(Date.from(now))
			.notBeforeTime(Date.from(now))
			.expirationTime(Date.from(now.plus(Duration.ofMinutes(10))))
			.claim("roles", List.of("user"));
	}

	private String withHeader(Consumer<JWSHeader.Builder> change) {
		JWSHeader.Builder header = header();
		change.accept(header);
		return sign(this.trusted, header, claims().build());
	}

	private String withClaims(Consumer<JWTClaimsSet.Builder> change) {
		JWTClaimsSet.Builder claims = claims();
		change.accept(claims);
		return sign(this.trusted, header(), claims.build());
	}

	private String signedByAttackerWith(Consumer<JWSHeader.Builder> change) {
		JWSHeader.Builder header = header();
		change.accept(header);
		return sign(this.attacker, header, claims().build());
	}

	private String signWith(RSAKey key, JWSAlgorithm algorithm, Consumer<JWSHeader.Builder> headerChange,
			Consumer<JWTClaimsSet.Builder> claimsChange) {
		JWSHeader.Builder header = new JWSHeader.Builder(algorithm).keyID(key.getKeyID()).type(new JOSEObjectType("at+jwt"));
		headerChange.accept(header);
		JWTClaimsSet.Builder claims = claims();
		claimsChange.accept(claims);
		return sign(key, header, claims.build());
	}

	private String hmac(byte[] secret) {
		try {
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(this.trusted.getKeyID())
				.type(new JOSEObjectType("at+jwt"))
				.build(), claims().build());
			jwt.sign(new MACSigner(pad(secret)));
			return jwt.serialize();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private String es256() {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
			generator.initialize(new ECGenParameterSpec("secp256r1"));
			var pair = generator.generateKeyPair();
			ECKey key = new ECKey.Builder(Curve.P_256, (ECPublicKey) pair.getPublic()).privateKey((ECPrivateKey) pair.getPrivate())
				.keyID(this.trusted.getKeyID())
				.build();
			SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID())
				.type(new JOSEObjectType("at+jwt"))
				.build(), claims().build());
			jwt.sign(new ECDSASigner(key));
			return jwt.serialize();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String sign(RSAKey key, JWSHeader.Builder header, JWTClaimsSet claims) {
		try {
			SignedJWT jwt = new SignedJWT(header.build(), claims);
			JWSSigner signer = new RSASSASigner(key);
			jwt.sign(signer);
			return jwt.serialize();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The same signature bytes spelled differently: the last character of an encoding whose bit
	 * count is not a multiple of 6 carries unused low bits a lenient decoder ignores.
	 */
	private static String otherTrailingBits(String segment) {
		String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
		char last = segment.charAt(segment.length() - 1);
		int index = alphabet.indexOf(last);
		int unusedBits = (segment.length() % 4 == 2) ? 4 : (segment.length() % 4 == 3) ? 2 : 0;
		if (unusedBits == 0) {
			return segment + "A";
		}
		int flipped = index ^ 1;
		return segment.substring(0, segment.length() - 1) + alphabet.charAt(flipped);
	}

	private static byte[] pad(byte[] secret) {
		return (secret.length >= 32) ? secret : java.util.Arrays.copyOf(secret, 32);
	}

	private static String json(String text) {
		return B64.encodeToString(text.getBytes(StandardCharsets.UTF_8));
	}

	private static Date ago(long seconds) {
		return Date.from(Instant.now().minusSeconds(seconds));
	}

	/** A fresh RSA-2048 key with this kid. */
	public static RSAKey rsaKey(String kid) {
		try {
			KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
			generator.initialize(2048);
			var pair = generator.generateKeyPair();
			return new RSAKey.Builder((RSAPublicKey) pair.getPublic()).privateKey((RSAPrivateKey) pair.getPrivate()).keyID(kid).build();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
