package dev.portcullis.gateway.security;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.testsupport.MutableClock;
import dev.portcullis.gateway.testing.TestKeys;
import dev.portcullis.gateway.testing.TestTokens;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class AccessTokenVerifierTests {

	private static final Instant NOW = Instant.parse("2026-01-15T10:00:00Z");

	private static RSAKey key;

	private static RSAKey otherKey;

	private final MutableClock clock = MutableClock.frozenAt(NOW);

	private final SwitchableKeys keys = new SwitchableKeys();

	private AccessTokenVerifier verifier;

	@BeforeAll
	static void generateKeys() {
		key = TestKeys.rsa("k1");
		otherKey = TestKeys.rsa("k2");
	}

	@BeforeEach
	void setUp() {
		this.keys.current.set(TestKeys.signingKeys(key));
		this.verifier = new AccessTokenVerifier(this.keys, settings(), this.clock);
	}

	static AccessTokenVerifier.Settings settings() {
		return new AccessTokenVerifier.Settings("portcullis", "portcullis", Set.of(JWSAlgorithm.RS256),
				Duration.ofSeconds(30), Duration.ofMinutes(15), 4096, 1 << 20);
	}

	private TestTokens.Builder token() {
		return TestTokens.accessToken(key, NOW);
	}

	@Test
	void verifyWhenValidThenReturnsIdentity() {
		StepVerifier.create(this.verifier.verify(token().claim("roles", List.of("user", "admin")).sign()))
			.assertNext((access) -> {
				assertThat(access.userId()).isEqualTo(TestTokens.USER_ID);
				assertThat(access.sessionId()).isEqualTo(TestTokens.SESSION_ID);
				assertThat(access.rolesHeader()).isEqualTo("user,admin");
				assertThat(access.keyId()).isEqualTo("k1");
				assertThat(access.issuedAtMillis()).isEqualTo(NOW.toEpochMilli());
				assertThat(access.expiresAtMillis()).isEqualTo(NOW.plusSeconds(900).toEpochMilli());
			})
			.verifyComplete();
	}

	@Test
	void verifyWhenAudienceIsArrayContainingOursThenAccepted() {
		expectValid(token().audience("billing", "portcullis").sign());
	}

	@Test
	void verifyWhenVerifiedBeforeThenServedFromCache() {
		String token = token().sign();
		VerifiedAccess first = this.verifier.verify(token).block();
		// a verification from scratch builds a new identity; a cache hit hands back the same one
		StepVerifier.create(this.verifier.verify(token)).assertNext((access) -> assertThat(access).isSameAs(first))
			.verifyComplete();
	}

	@Test
	void verifyWhenKeySetFetchedAgainUnchangedThenStillServedFromCache() {
		String token = token().sign();
		VerifiedAccess first = this.verifier.verify(token).block();
		this.keys.current.set(TestKeys.signingKeys(key, otherKey));
		StepVerifier.create(this.verifier.verify(token)).assertNext((access) -> assertThat(access).isSameAs(first))
			.verifyComplete();
	}

	@Test
	void verifyWhenCachedTokenKeyRemovedFromKeySetThenTokenInvalid() {
		String token = token().sign();
		expectValid(token);
		// k1 retired (or withdrawn after a leak): its tokens stop at once, not at their exp
		this.keys.current.set(TestKeys.signingKeys(otherKey));
		expectRejected(token, "token_invalid");
	}

	@Test
	void verifyWhenCachedTokenKidRepublishedWithAnotherKeyThenTokenInvalid() {
		String token = token().sign();
		expectValid(token);
		this.keys.current.set(TestKeys.signingKeys(TestKeys.rsa("k1")));
		expectRejected(token, "token_invalid");
	}

	@Test
	void verifyWhenKeyRemovedAndPublishedAgainThenTokenAcceptedAgain() {
		String token = token().sign();
		expectValid(token);
		this.keys.current.set(TestKeys.signingKeys(otherKey));
		expectRejected(token, "token_invalid");
		this.keys.current.set(TestKeys.signingKeys(key));
		expectValid(token);
	}

	@Test
	void verifyWhenLifetimeIsTheIssuersThenAccepted() {
		expectValid(token().expiresAt(NOW.plus(Duration.ofMinutes(15)).plusSeconds(30)).sign());
	}

	@Test
	void verifyWhenLifetimeLongerThanMaximumThenTokenInvalid() {
		// what a forger with a leaked key would mint: valid for years after the key is retired
		expectRejected(token().expiresAt(NOW.plus(Duration.ofDays(3650))).sign(), "token_invalid");
	}

	@Test
	void verifyWhenIssuedAtMovedAheadWithFarExpiryThenTokenInvalid() {
		Instant far = NOW.plus(Duration.ofDays(3650));
		expectRejected(token().claim("iat", java.util.Date.from(far.minusSeconds(600))).expiresAt(far).sign(),
				"token_invalid");
	}

	@Test
	void verifyWhenCachedTokenExpiresThenTokenExpired() {
		String token = token().sign();
		expectValid(token);
		this.clock.advance(Duration.ofSeconds(900 + 31));
		expectRejected(token, "token_expired");
	}

	@Test
	void verifyWhenExpiredWithinSkewThenAccepted() {
		this.clock.advance(Duration.ofSeconds(900 + 29));
		expectValid(token().sign());
	}

	@Test
	void verifyWhenExpiredThenTokenExpiredWithoutSignatureCheck() {
		String token = token().expiresAt(NOW.minusSeconds(31)).sign();
		this.keys.current.set(SigningKeys.NONE);
		expectRejected(token, "token_expired");
	}

	@Test
	void verifyWhenSignatureTamperedThenTokenInvalid() {
		String token = token().sign();
		String[] parts = token.split("\\.");
		String forged = parts[0] + "." + token().claim("roles", List.of("admin")).sign().split("\\.")[1] + "."
				+ parts[2];
		expectRejected(forged, "token_invalid");
	}

	@Test
	void verifyWhenSignedByUnpublishedKeyWithKnownKidThenTokenInvalid() {
		RSAKey impostor = TestKeys.rsa("k1");
		expectRejected(TestTokens.accessToken(impostor, NOW).sign(), "token_invalid");
	}

	@Test
	void verifyWhenKidUnknownThenRefetchesOnceAndRejects() {
		expectRejected(TestTokens.accessToken(otherKey, NOW).sign(), "token_invalid");
		assertThat(this.keys.refetches).isEqualTo(1);
	}

	@Test
	void verifyWhenKidUnknownAndRefetchFindsItThenAccepted() {
		this.keys.afterRefetch = TestKeys.signingKeys(key, otherKey);
		expectValid(TestTokens.accessToken(otherKey, NOW).sign());
	}

	@Test
	void verifyWhenKidUnknownAndKeySourceDownThenUnavailable() {
		this.keys.failing = true;
		StepVerifier.create(this.verifier.verify(TestTokens.accessToken(otherKey, NOW).sign()))
			.expectError(KeysUnavailableException.class)
			.verify();
	}

	@Test
	void verifyWhenNoKeysEverLoadedThenUnavailable() {
		this.keys.current.set(SigningKeys.NONE);
		StepVerifier.create(this.verifier.verify(token().sign()))
			.expectError(KeysUnavailableException.class)
			.verify();
	}

	@Test
	void verifyWhenKeyMissingButTokenMalformedThenTokenInvalidNotUnavailable() {
		this.keys.current.set(SigningKeys.NONE);
		expectRejected("not-a-jwt", "token_invalid");
	}

	@Test
	void verifyWhenIssuerWrongThenTokenInvalid() {
		expectRejected(token().issuer("someone-else").sign(), "token_invalid");
	}

	@Test
	void verifyWhenAudienceWrongThenTokenInvalid() {
		expectRejected(token().audience("billing").sign(), "token_invalid");
	}

	@Test
	void verifyWhenTypeWrongThenTokenInvalid() {
		expectRejected(token().type("JWT").sign(), "token_invalid");
	}

	@Test
	void verifyWhenTypeMissingThenTokenInvalid() {
		expectRejected(token().type(null).sign(), "token_invalid");
	}

	@Test
	void verifyWhenTypeIsMediaTypeFormThenAccepted() {
		expectValid(token().type("application/at+jwt").sign());
	}

	@Test
	void verifyWhenNotBeforeInFutureThenTokenInvalid() {
		expectRejected(token().notBefore(NOW.plusSeconds(120)).sign(), "token_invalid");
	}

	@Test
	void verifyWhenNotBeforeWithinSkewThenAccepted() {
		expectValid(token().notBefore(NOW.plusSeconds(20)).sign());
	}

	@Test
	void verifyWhenAlgNoneThenTokenInvalid() {
		expectRejected(TestTokens.unsecured(key), "token_invalid");
	}

	@Test
	void verifyWhenHs256SignedWithPublicKeyThenTokenInvalid() {
		expectRejected(TestTokens.hs256WithPublicKey(key), "token_invalid");
	}

	@Test
	void verifyWhenOversizeThenTokenInvalid() {
		expectRejected(token().claim("padding", "x".repeat(5000)).sign(), "token_invalid");
	}

	@Test
	void verifyWhenRefreshTokenPresentedThenTokenInvalid() {
		expectRejected("q0x9Y2VmZGE0N2QxYjRhNDc5ZmE0ZWMxN2U4NzY1NDMyMTBhYmNkZWY", "token_invalid");
	}

	@Test
	void verifyWhenJweShapedThenTokenInvalid() {
		expectRejected("a.b.c.d.e", "token_invalid");
	}

	@Test
	void verifyWhenSubjectNotUuidThenTokenInvalid() {
		expectRejected(token().claim("sub", "admin\r\nX-User-Roles: admin").sign(), "token_invalid");
	}

	@Test
	void verifyWhenSessionMissingThenTokenInvalid() {
		expectRejected(token().claim("sid", null).sign(), "token_invalid");
	}

	@Test
	void verifyWhenRoleNotHeaderSafeThenTokenInvalid() {
		expectRejected(token().claim("roles", List.of("user,admin")).sign(), "token_invalid");
	}

	@Test
	void verifyWhenRolesNotStringsThenTokenInvalid() {
		expectRejected(token().claim("roles", List.of(1, 2)).sign(), "token_invalid");
	}

	@Test
	void verifyWhenExpMissingThenTokenInvalid() {
		expectRejected(token().claim("exp", null).sign(), "token_invalid");
	}

	@Test
	void verifyWhenIssuedAtMissingThenTokenInvalid() {
		// without iat a user's "not before" revocation could not refuse the token
		expectRejected(token().claim("iat", null).sign(), "token_invalid");
	}

	@Test
	void verifyWhenReencodedThenVerifiedAgainNotServedFromCache() {
		String token = token().sign();
		expectValid(token);
		String[] parts = token.split("\\.");
		// same claims and signature, header re-encoded: a different string is a different cache key
		String reencodedHeader = java.util.Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(("{\"typ\":\"at+jwt\",\"kid\":\"k1\",\"alg\":\"RS256\"}")
				.getBytes(java.nio.charset.StandardCharsets.UTF_8));
		expectRejected(reencodedHeader + "." + parts[1] + "." + parts[2], "token_invalid");
	}

	private void expectValid(String token) {
		StepVerifier.create(this.verifier.verify(token))
			.assertNext((access) -> assertThat(access.userId()).isEqualTo(TestTokens.USER_ID))
			.verifyComplete();
	}

	private void expectRejected(String token, String code) {
		StepVerifier.create(this.verifier.verify(token))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(TokenRejectedException.class)
				.extracting((e) -> ((TokenRejectedException) e).code())
				.isEqualTo(code))
			.verify();
	}

	static final class SwitchableKeys implements SigningKeySource {

		final AtomicReference<SigningKeys> current = new AtomicReference<>(SigningKeys.NONE);

		volatile SigningKeys afterRefetch;

		volatile boolean failing;

		volatile int refetches;

		@Override
		public SigningKeys current() {
			return this.current.get();
		}

		@Override
		public Mono<Void> refetchForUnknownKey() {
			return Mono.fromRunnable(() -> {
				this.refetches++;
				if (this.afterRefetch != null) {
					this.current.set(this.afterRefetch);
				}
			});
		}

		@Override
		public boolean lastFetchFailed() {
			return this.failing;
		}

	}

}
