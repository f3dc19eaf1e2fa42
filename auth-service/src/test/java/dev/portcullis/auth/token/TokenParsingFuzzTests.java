package dev.portcullis.auth.token;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.ErrorCode;
import dev.portcullis.auth.config.AuthProperties;
import dev.portcullis.auth.user.EmailAddress;
import dev.portcullis.testsupport.HostileTokens;
import dev.portcullis.testsupport.TokenMutations;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Fuzzes the cookie-to-claims path and email parsing with random and mutated input: the only
 * possible outcomes are a verified token or a typed {@link AuthException} with a token code,
 * never another exception (which would be a 500) and never acceptance of a mutated token.
 */
class TokenParsingFuzzTests {

	static final RSAKey KEY = HostileTokens.rsaKey("fuzz-key");

	static final String VALID = new HostileTokens(KEY, "portcullis", "portcullis").valid();

	final AccessTokenVerifier verifier = new AccessTokenVerifier(keyRing(), Clock.systemUTC(), properties());

	@Property
	void verifyWhenRandomTextThenOnlyTokenErrors(@ForAll("cookieText") String token) {
		assertOnlyTokenErrors(token, false);
	}

	@Property
	void verifyWhenValidTokenMutatedThenNeverAccepted(@ForAll("mutations") String token) {
		assertOnlyTokenErrors(token, !token.equals(VALID));
	}

	@Property
	void normaliseWhenRandomTextThenAddressOrInvalidRequest(@ForAll String raw) {
		Throwable thrown = catchThrowable(() -> EmailAddress.normalise(raw));
		if (thrown != null) {
			assertThat(thrown).isInstanceOf(AuthException.class);
			assertThat(((AuthException) thrown).code()).isEqualTo(ErrorCode.INVALID_REQUEST);
		}
	}

	private void assertOnlyTokenErrors(String token, boolean mustFail) {
		Throwable thrown = catchThrowable(() -> this.verifier.verify(token).block(Duration.ofSeconds(5)));
		if (thrown == null) {
			assertThat(mustFail).as("a mutated token was accepted: " + token).isFalse();
			return;
		}
		assertThat(thrown).isInstanceOf(AuthException.class);
		assertThat(((AuthException) thrown).code()).isIn(ErrorCode.TOKEN_MISSING, ErrorCode.TOKEN_INVALID, ErrorCode.TOKEN_EXPIRED);
	}

	@Provide
	Arbitrary<String> cookieText() {
		Arbitrary<String> segment = Arbitraries.strings().withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/.{}\":,")
			.ofMaxLength(200);
		Arbitrary<String> jsonish = Arbitraries.of("{}", "{\"alg\":\"RS256\"}", "{\"alg\":\"none\"}", "[]", "null", "{\"kid\":null}")
			.map((json) -> Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8)));
		return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(300), segment,
				Combinators.combine(jsonish, segment, segment).as((a, b, c) -> a + "." + b + "." + c));
	}

	@Provide
	Arbitrary<String> mutations() {
		return TokenMutations.of(VALID);
	}

	private static KeyRing keyRing() {
		SigningKey key = new SigningKey(KEY.getKeyID(),
				new RSAKey.Builder(KEY).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256).build(),
				java.time.Instant.now().minusSeconds(60), java.time.Instant.now().minusSeconds(60), null);
		KeySet keySet = new KeySet(List.of(key), Duration.ofMinutes(16));
		return new KeyRing(null, null, null, null, Clock.systemUTC(), properties()) {
			@Override
			Mono<KeySet> current() {
				return Mono.just(keySet);
			}
		};
	}

	private static AuthProperties properties() {
		return new AuthProperties("portcullis", "portcullis", "fuzz-master-secret-of-at-least-32-characters",
				Duration.ofMinutes(15), Duration.ofDays(30), Duration.ofDays(7), Duration.ofSeconds(10), List.of("user"),
				new AuthProperties.Cookies("__Host-access_token", "__Secure-refresh_token", "/auth", true, "Lax", "Strict", null),
				new AuthProperties.Keys(Duration.ofDays(30), Duration.ofMinutes(10), Duration.ofSeconds(30)),
				new AuthProperties.Hashing(19456, 2, 1, 1, 1),
				new AuthProperties.Login(5, Duration.ofSeconds(1), Duration.ofMinutes(15), 50, Duration.ofMinutes(15), 1000,
						Duration.ofMinutes(5), 5, 20),
				new AuthProperties.Purge(Duration.ofMinutes(10), 1000, Duration.ofDays(90)));
	}

}
