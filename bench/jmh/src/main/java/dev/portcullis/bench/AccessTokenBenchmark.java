package dev.portcullis.bench;

import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.net.URI;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.gateway.metrics.Decision;
import dev.portcullis.gateway.metrics.DecisionMeter;
import dev.portcullis.gateway.security.AccessTokenVerifier;
import dev.portcullis.gateway.security.SigningKeySource;
import dev.portcullis.gateway.security.SigningKeys;
import dev.portcullis.gateway.security.VerifiedAccess;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.route.Route;

/**
 * The gateway's per-request token work. "cold" verifies a different valid token on every
 * operation through the real verifier's public entry point, with a cache too small to hit: the worst case, every request
 * from a user the gateway has not seen yet. Scores are operations per second per thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class AccessTokenBenchmark {

	private static final int TOKENS = 1024;

	private final String[] rs256 = new String[TOKENS];

	private final String[] es256 = new String[TOKENS];

	private AccessTokenVerifier rsVerifier;

	private AccessTokenVerifier rsCachingVerifier;

	private AccessTokenVerifier rsMeteredVerifier;

	private DecisionMeter decisions;

	private Route route;

	private AccessTokenVerifier esVerifier;

	private ECDSAVerifier esDefaultProvider;

	private ECDSAVerifier esBouncyCastle;

	private String cachedToken;

	private String expiredToken;

	private String unknownKidToken;

	private int next;

	@Setup
	public void setUp() throws Exception {
		KeyPairGenerator rsaGenerator = KeyPairGenerator.getInstance("RSA");
		rsaGenerator.initialize(2048);
		var rsaPair = rsaGenerator.generateKeyPair();
		RSAKey rsa = new RSAKey.Builder((RSAPublicKey) rsaPair.getPublic()).privateKey((RSAPrivateKey) rsaPair.getPrivate())
			.keyID("rs")
			.algorithm(JWSAlgorithm.RS256)
			.build();
		KeyPairGenerator ecGenerator = KeyPairGenerator.getInstance("EC");
		ecGenerator.initialize(Curve.P_256.toECParameterSpec());
		var ecPair = ecGenerator.generateKeyPair();
		ECKey ec = new ECKey.Builder(Curve.P_256, (ECPublicKey) ecPair.getPublic())
			.privateKey((ECPrivateKey) ecPair.getPrivate())
			.keyID("es")
			.algorithm(JWSAlgorithm.ES256)
			.build();

		Instant now = Instant.now();
		JWSSigner rsSigner = new RSASSASigner(rsa);
		JWSSigner esSigner = new ECDSASigner(ec);
		for (int i = 0; i < TOKENS; i++) {
			this.rs256[i] = sign(rsSigner, JWSAlgorithm.RS256, "rs", now.plusSeconds(3600));
			this.es256[i] = sign(esSigner, JWSAlgorithm.ES256, "es", now.plusSeconds(3600));
		}
		this.cachedToken = this.rs256[0];
		this.expiredToken = sign(rsSigner, JWSAlgorithm.RS256, "rs", now.minusSeconds(3600));
		this.unknownKidToken = sign(rsSigner, JWSAlgorithm.RS256, "not-published", now.plusSeconds(3600));

		String jwks = new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK())).toString();
		SigningKeySource rsKeys = SigningKeySource.of(SigningKeys.parse(jwks, Set.of(JWSAlgorithm.RS256)));
		SigningKeySource esKeys = SigningKeySource.of(SigningKeys.parse(jwks, Set.of(JWSAlgorithm.ES256)));
		// a one-entry cache cycling through TOKENS tokens: every operation verifies from scratch
		this.rsVerifier = new AccessTokenVerifier(rsKeys, settings(JWSAlgorithm.RS256, 1), Clock.systemUTC());
		this.rsCachingVerifier = new AccessTokenVerifier(rsKeys, settings(JWSAlgorithm.RS256, 128L << 20), Clock.systemUTC());
		this.esVerifier = new AccessTokenVerifier(esKeys, settings(JWSAlgorithm.ES256, 1), Clock.systemUTC());
		this.esDefaultProvider = new ECDSAVerifier(ec.toECPublicKey());
		this.esBouncyCastle = new ECDSAVerifier(ec.toECPublicKey());
		this.esBouncyCastle.getJCAContext().setProvider(new BouncyCastleProvider());
		this.rsCachingVerifier.verify(this.cachedToken).block();
		// the same, with what the shipped gateway does per request when its meters are on:
		// cache statistics, and one decision counted into a Prometheus registry
		PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
		this.rsMeteredVerifier = new AccessTokenVerifier(rsKeys, settings(JWSAlgorithm.RS256, 128L << 20), Clock.systemUTC(),
				Timer.builder("portcullis.gateway.token.verification").register(registry));
		this.route = Route.async().id("api").uri(URI.create("http://127.0.0.1:8082")).predicate((exchange) -> true).build();
		this.decisions = DecisionMeter.on(registry, List.of("api"));
		this.rsMeteredVerifier.verify(this.cachedToken).block();
	}

	private static AccessTokenVerifier.Settings settings(JWSAlgorithm algorithm, long cacheMaxWeight) {
		// the tokens are minted for an hour so that no run outlives them: allow that lifetime
		return new AccessTokenVerifier.Settings("portcullis", "portcullis", Set.of(algorithm), Duration.ofSeconds(30),
				Duration.ofHours(2), 4096, cacheMaxWeight);
	}

	private static String sign(JWSSigner signer, JWSAlgorithm algorithm, String kid, Instant exp) throws Exception {
		JWSHeader header = new JWSHeader.Builder(algorithm).keyID(kid).type(new JOSEObjectType("at+jwt")).build();
		Instant iat = exp.isAfter(Instant.now()) ? Instant.now() : exp.minusSeconds(900);
		JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("portcullis")
			.audience("portcullis")
			.subject(UUID.randomUUID().toString())
			.claim("sid", UUID.randomUUID().toString())
			.jwtID(UUID.randomUUID().toString())
			.issueTime(Date.from(iat))
			.notBeforeTime(Date.from(iat))
			.expirationTime(Date.from(exp))
			.claim("roles", List.of("user"))
			.build();
		SignedJWT jwt = new SignedJWT(header, claims);
		jwt.sign(signer);
		return jwt.serialize();
	}

	private int nextIndex() {
		this.next = (this.next + 1) & (TOKENS - 1);
		return this.next;
	}

	/** Every operation a different valid RS256 token, full verification (the issue's cold path). */
	@Benchmark
	public VerifiedAccess coldRs256() {
		return this.rsVerifier.verify(this.rs256[nextIndex()]).block();
	}

	/** The same, ES256 with the JDK's default provider, for comparison. */
	@Benchmark
	public VerifiedAccess coldEs256DefaultProvider() {
		return this.esVerifier.verify(this.es256[nextIndex()]).block();
	}

	/** Parse and ES256 signature check only, JDK default provider. */
	@Benchmark
	public boolean es256SignatureDefaultProvider() throws Exception {
		return SignedJWT.parse(this.es256[nextIndex()]).verify(this.esDefaultProvider);
	}

	/** Parse and ES256 signature check only, BouncyCastle. */
	@Benchmark
	public boolean es256SignatureBouncyCastle() throws Exception {
		return SignedJWT.parse(this.es256[nextIndex()]).verify(this.esBouncyCastle);
	}

	/** A token already verified: the common case, one cache lookup and an exp check. */
	@Benchmark
	public VerifiedAccess cachedHit() {
		return this.rsCachingVerifier.verify(this.cachedToken).block();
	}

	/** {@link #cachedHit} with the gateway's meters on: the difference is their cost per request. */
	@Benchmark
	public VerifiedAccess cachedHitWithMeters() {
		VerifiedAccess access = this.rsMeteredVerifier.verify(this.cachedToken).block();
		this.decisions.record(this.route, Decision.ALLOWED);
		return access;
	}

	@Benchmark
	public Object rejectMalformed() {
		return reject("eyJhbGciOiJSUzI1NiJ9.not-a-payload");
	}

	@Benchmark
	public Object rejectExpired() {
		return reject(this.expiredToken);
	}

	@Benchmark
	public Object rejectUnknownKid() {
		return reject(this.unknownKidToken);
	}

	private Object reject(String token) {
		return this.rsVerifier.verify(token).onErrorResume((ex) -> Mono.empty()).block();
	}

}
