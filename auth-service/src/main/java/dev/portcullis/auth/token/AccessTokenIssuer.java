package dev.portcullis.auth.token;

import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.auth.config.AuthProperties;
import dev.portcullis.auth.crypto.Randoms;
import dev.portcullis.contract.AccessTokenFormat;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Signs access tokens (RFC 9068 profile): RS256, {@code typ: at+jwt}, {@code kid} of the signing
 * key; claims {@code iss aud sub sid jti iat nbf exp roles}. The time each signature takes is
 * {@code portcullis.auth.signing}.
 */
@Component
public class AccessTokenIssuer implements DisposableBean {

	/** The JOSE {@code typ} of an access token, RFC 9068 section 2.1. */
	public static final JOSEObjectType TYPE = new JOSEObjectType(AccessTokenFormat.TYPE);

	private final KeyRing keys;

	private final Randoms randoms;

	private final Clock clock;

	private final AuthProperties properties;

	private final SigningProvider provider;

	private final Scheduler signing = Schedulers.newBoundedElastic(2 * Runtime.getRuntime().availableProcessors(), 10_000,
			"jwt-sign", 60, true);

	private final Timer signingTimer;

	/** The signer and header of the key that signed last: built once per key, not per token. */
	private volatile Prepared prepared;

	AccessTokenIssuer(KeyRing keys, Randoms randoms, Clock clock, AuthProperties properties, SigningProvider provider,
			MeterRegistry registry) {
		this.keys = keys;
		this.randoms = randoms;
		this.clock = clock;
		this.properties = properties;
		this.provider = provider;
		this.signingTimer = Timer.builder("portcullis.auth.signing")
			.description("Time to sign one access token")
			.publishPercentileHistogram()
			.maximumExpectedValue(Duration.ofSeconds(5))
			.register(registry);
	}

	/** A token for {@code userId} in session {@code sessionId}, expiring no later than {@code notAfter}. */
	public Mono<AccessToken> issue(UUID userId, UUID sessionId, List<String> roles, Instant notAfter) {
		// RSA signing draws blinding randomness from the platform SecureRandom, which may read
		// /dev/urandom: keep it off the event loop.
		return this.keys.current().publishOn(this.signing).map((keySet) -> {
			Instant now = this.clock.instant();
			Instant ttlEnd = now.plus(this.properties.accessTokenTtl());
			Instant expiresAt = ttlEnd.isAfter(notAfter) ? notAfter : ttlEnd;
			SigningKey key = keySet.signingKey(now)
				.orElseThrow(() -> new IllegalStateException("No signing key is active"));
			long started = System.nanoTime();
			String value = sign(key, new JWTClaimsSet.Builder().issuer(this.properties.issuer())
				.audience(this.properties.audience())
				.subject(userId.toString())
				.claim(AccessTokenFormat.CLAIM_SESSION, sessionId.toString())
				.jwtID(this.randoms.token(16))
				.issueTime(Date.from(now))
				.notBeforeTime(Date.from(now))
				.expirationTime(Date.from(expiresAt))
				.claim(AccessTokenFormat.CLAIM_ROLES, roles)
				.build());
			this.signingTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
			return new AccessToken(value, Instant.ofEpochSecond(expiresAt.getEpochSecond()));
		});
	}

	@Override
	public void destroy() {
		this.signing.dispose();
	}

	private String sign(SigningKey key, JWTClaimsSet claims) {
		try {
			Prepared signing = prepared(key);
			SignedJWT jwt = new SignedJWT(signing.header(), claims);
			jwt.sign(signing.signer());
			return jwt.serialize();
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Signing with key " + key.kid() + " failed", ex);
		}
	}

	/**
	 * The signer (its RSA private key converted from the JWK once, into the signing provider's
	 * own key) and the header of {@code key}, reused while the same key signs. The header is kept in its parsed form, which
	 * carries its own base64url encoding, so it is not serialised again for every token.
	 */
	private Prepared prepared(SigningKey key) throws JOSEException {
		Prepared current = this.prepared;
		if (current == null || current.key() != key) {
			JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.kid()).type(TYPE).build();
			try {
				RSASSASigner signer = new RSASSASigner(this.provider.translate(key.jwk().toRSAPrivateKey()));
				if (this.provider.provider() != null) {
					signer.getJCAContext().setProvider(this.provider.provider());
				}
				current = new Prepared(key, signer, JWSHeader.parse(header.toBase64URL()));
			}
			catch (java.text.ParseException ex) {
				throw new JOSEException("The header of key " + key.kid() + " does not parse", ex);
			}
			catch (GeneralSecurityException ex) {
				throw new JOSEException("Key " + key.kid() + " cannot be used by " + this.provider.name(), ex);
			}
			this.prepared = current;
		}
		return current;
	}

	/** RSASSASigner is thread-safe: one for every signing thread. */
	private record Prepared(SigningKey key, JWSSigner signer, JWSHeader header) {

	}

}
