package dev.portcullis.gateway.security;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.gateway.testing.TestKeys;
import dev.portcullis.gateway.testing.TestTokens;
import dev.portcullis.testsupport.TokenMutations;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Fuzzes the request path from the raw {@code Cookie} header to a verified identity: whatever
 * arrives, the outcome is an identity for the one genuine token, no token at all (token_missing),
 * or a {@link TokenRejectedException} (a 401); never another exception (a 500), and no mutation of
 * a genuine token is accepted.
 */
class CookieAndTokenFuzzTests {

	static final RSAKey KEY = TestKeys.rsa("fuzz");

	static final String VALID = TestTokens.accessToken(KEY).sign();

	final AccessTokenConverter converter = new AccessTokenConverter("__Host-access_token");

	final AccessTokenVerifier verifier = new AccessTokenVerifier(SigningKeySource.of(TestKeys.signingKeys(KEY)),
			new AccessTokenVerifier.Settings("portcullis", "portcullis", Set.of(JWSAlgorithm.RS256),
					Duration.ofSeconds(30), Duration.ofMinutes(15), 4096, 1 << 20),
			Clock.systemUTC());

	@Property
	void checkWhenRandomCookieHeaderThenIdentityOrRejection(@ForAll("cookieHeaders") String cookieHeader) {
		assertOutcome(cookieHeader, false);
	}

	@Property
	void checkWhenGenuineTokenMutatedThenNeverAccepted(@ForAll("mutations") String token) {
		assertOutcome("__Host-access_token=" + token, !token.equals(VALID));
	}

	private void assertOutcome(String cookieHeader, boolean mustFail) {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/api").header("Cookie", cookieHeader));
		AtomicReference<VerifiedAccess> accepted = new AtomicReference<>();
		Throwable thrown = catchThrowable(() -> accepted.set(this.converter.convert(exchange.getRequest().getHeaders())
			.flatMap(this.verifier::verify)
			.block(Duration.ofSeconds(5))));
		if (thrown != null) {
			assertThat(thrown).as(cookieHeader).isInstanceOf(TokenRejectedException.class);
		}
		else if (accepted.get() != null) {
			assertThat(mustFail).as("accepted: " + cookieHeader).isFalse();
		}
		// else: no access cookie could be read at all, which the access check answers with token_missing
	}

	@Provide
	Arbitrary<String> cookieHeaders() {
		Arbitrary<String> tokenish = Arbitraries.strings()
			.withChars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=.")
			.ofMaxLength(400);
		Arbitrary<String> jsonSegments = Arbitraries.of("{}", "null", "[]", "{\"alg\":\"RS256\",\"kid\":\"fuzz\",\"typ\":\"at+jwt\"}",
				"{\"alg\":\"none\"}", "{\"exp\":\"x\"}")
			.map((json) -> Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8)));
		Arbitrary<String> structured = Combinators.combine(jsonSegments, jsonSegments, tokenish).as((h, p, s) -> h + "." + p + "." + s);
		Arbitrary<String> value = Arbitraries.oneOf(tokenish, structured, Arbitraries.strings().ofMaxLength(200));
		return Arbitraries.oneOf(value.map((v) -> "__Host-access_token=" + v),
				Combinators.combine(value, value).as((a, b) -> "__Host-access_token=" + a + "; __Host-access_token=" + b),
				value.map((v) -> "theme=dark; __Host-access_token=" + v + "; other=1"), Arbitraries.strings().ofMaxLength(300));
	}

	@Provide
	Arbitrary<String> mutations() {
		return TokenMutations.of(VALID);
	}

}
