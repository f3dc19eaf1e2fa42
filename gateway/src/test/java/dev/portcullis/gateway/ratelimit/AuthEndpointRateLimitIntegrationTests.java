package dev.portcullis.gateway.ratelimit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.gateway.testing.FakeJwksServer;
import dev.portcullis.gateway.testing.FakeRevocationFeed;
import dev.portcullis.gateway.testing.TestKeys;
import dev.portcullis.gateway.testing.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.web.reactive.function.BodyInserters;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sign-in and refresh limited per account (per refresh token) and per client address, against
 * the machine's Redis (127.0.0.1:6379), two replicas sharing the buckets. The upstream echoes
 * the body it received, with its length, so a body the gateway read is seen arriving intact.
 */
class AuthEndpointRateLimitIntegrationTests {

	static final int BURST = 4;

	static final RSAKey key = TestKeys.rsa("k1");

	static final FakeJwksServer jwks = new FakeJwksServer(key);

	static final FakeRevocationFeed feed = new FakeRevocationFeed(Duration.ofSeconds(1));

	static DisposableServer bodyEcho;

	static LimitedGateway first;

	static LimitedGateway second;

	@BeforeAll
	static void start() {
		bodyEcho = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.handle((request, response) -> request.receive()
				.aggregate()
				.asByteArray()
				.defaultIfEmpty(new byte[0])
				.flatMap((body) -> response.header("X-Received-Length", Integer.toString(body.length))
					.header("X-Received-Transfer-Encoding",
							String.valueOf(request.requestHeaders().get(HttpHeaders.TRANSFER_ENCODING)))
					.sendByteArray(Mono.just(body))
					.then()))
			.bindNow();
		String upstream = "http://127.0.0.1:" + bodyEcho.port();
		String run = "rl-auth-" + UUID.randomUUID();
		String warmup = TestTokens.accessToken(key).claim("sub", UUID.randomUUID().toString()).sign();
		first = LimitedGateway.start(jwks, feed, upstream, run, 6379, "fail-open", 1, BURST).ready(warmup);
		second = LimitedGateway.start(jwks, feed, upstream, run, 6379, "fail-open", 1, BURST).ready(warmup);
	}

	@AfterAll
	static void stop() {
		if (first != null) {
			first.close();
		}
		if (second != null) {
			second.close();
		}
		if (bodyEcho != null) {
			bodyEcho.disposeNow();
		}
		jwks.close();
		feed.close();
	}

	private static final java.util.concurrent.atomic.AtomicInteger addresses = new java.util.concurrent.atomic.AtomicInteger();

	/**
	 * A client address no other test here uses, hence a client bucket of its own (route ids are
	 * fresh for each run, so earlier runs' buckets do not count).
	 */
	private static String freshAddress() {
		return "203.0.113." + addresses.incrementAndGet();
	}

	/** Within the burst, all pass; past it, refusals and at most one more pass (a token refilled meanwhile). */
	private static void assertLimitedAfterBurst(List<Integer> statuses) {
		assertThat(statuses.subList(0, BURST)).containsOnly(200);
		assertThat(statuses).containsOnly(200, 429);
		// (a second of Redis's clock may begin anywhere in the loop: its token can come back at any point)
		assertThat(statuses.stream().filter((status) -> status == 200).count()).isBetween((long) BURST, BURST + 1L);
	}

	private static EntityExchangeResult<byte[]> login(LimitedGateway gateway, String client, String body) {
		return gateway.client()
			.post()
			.uri("/auth/login")
			.header(HttpHeaders.ORIGIN, "https://app.example.com")
			.header("X-Forwarded-For", client)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body.getBytes(StandardCharsets.UTF_8))
			.exchange()
			.expectBody()
			.returnResult();
	}

	private static EntityExchangeResult<byte[]> refresh(LimitedGateway gateway, String client, String refreshToken) {
		return gateway.client()
			.post()
			.uri("/auth/refresh")
			.header(HttpHeaders.ORIGIN, "https://app.example.com")
			.header("X-Forwarded-For", client)
			.cookie("__Secure-refresh_token", refreshToken)
			.exchange()
			.expectBody()
			.returnResult();
	}

	private static String credentials(String email) {
		return "{\"email\":\"" + email + "\",\"password\":\"correct horse battery staple\"}";
	}

	@Test
	void loginWhenOneAccountExceedsTheLimitFromTwoAddressesThenRateLimitedWhileAnotherAccountFromTheSameAddressPasses() {
		String account = "greedy-" + UUID.randomUUID() + "@example.org";
		String[] addresses = { freshAddress(), freshAddress() };
		List<Integer> statuses = new ArrayList<>();
		EntityExchangeResult<byte[]> refused = null;
		EntityExchangeResult<byte[]> allowed = null;
		for (int i = 0; i < 2 * BURST; i++) {
			// the same account, spelled differently, from two addresses and two replicas
			String email = (i % 2 == 0) ? account : "  " + account.toUpperCase(java.util.Locale.ROOT) + " ";
			EntityExchangeResult<byte[]> result = login((i % 2 == 0) ? first : second, addresses[i % 2],
					credentials(email));
			statuses.add(result.getStatus().value());
			if (result.getStatus().value() == 429 && refused == null) {
				refused = result;
			}
			if (result.getStatus().value() == 200 && allowed == null) {
				allowed = result;
			}
		}
		// each address spent at most half its own bucket: only the account's bucket can refuse
		assertLimitedAfterBurst(statuses);
		assertThat(refused).isNotNull();
		assertThat(new String(refused.getResponseBodyContent(), StandardCharsets.UTF_8))
			.contains("\"code\":\"rate_limited\"");
		HttpHeaders refusedHeaders = refused.getResponseHeaders();
		assertThat(refusedHeaders.getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
		assertThat(refusedHeaders.get("X-RateLimit-Remaining")).containsExactly("0");
		assertThat(refusedHeaders.get("X-RateLimit-Burst-Capacity")).containsExactly(Integer.toString(BURST));
		assertThat(refusedHeaders.getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
		// two filters, one set of headers: the client bucket's on an allowed answer
		assertThat(allowed.getResponseHeaders().get("X-RateLimit-Remaining")).hasSize(1);
		// another account from the same address, at the same time, passes
		assertThat(login(first, addresses[0], credentials("modest-" + UUID.randomUUID() + "@example.org"))
			.getStatus()
			.value()).isEqualTo(200);
	}

	@Test
	void loginWhenBodyReadForTheAccountThenUpstreamReceivesItIntact() {
		String body = credentials("Zoë-" + UUID.randomUUID() + "@Example.org");
		EntityExchangeResult<byte[]> result = login(first, freshAddress(), body);
		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(new String(result.getResponseBodyContent(), StandardCharsets.UTF_8)).isEqualTo(body);
		assertThat(result.getResponseHeaders().getFirst("X-Received-Length"))
			.isEqualTo(Integer.toString(body.getBytes(StandardCharsets.UTF_8).length));
	}

	@Test
	void loginWhenChunkedBodyThenUpstreamReceivesItIntact() {
		String body = credentials("chunked-" + UUID.randomUUID() + "@example.org");
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		Flux<DataBuffer> chunks = Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(java.util.Arrays.copyOfRange(bytes, 0, 10)),
				DefaultDataBufferFactory.sharedInstance.wrap(java.util.Arrays.copyOfRange(bytes, 10, bytes.length)));
		EntityExchangeResult<byte[]> result = first.client()
			.post()
			.uri("/auth/login")
			.header(HttpHeaders.ORIGIN, "https://app.example.com")
			.header("X-Forwarded-For", freshAddress())
			.contentType(MediaType.APPLICATION_JSON)
			.body(BodyInserters.fromDataBuffers(chunks))
			.exchange()
			.expectBody()
			.returnResult();
		assertThat(result.getStatus().value()).isEqualTo(200);
		assertThat(new String(result.getResponseBodyContent(), StandardCharsets.UTF_8)).isEqualTo(body);
	}

	@Test
	void loginWhenChunkedBodyLargerThanTheCapThenRefusedWithoutReachingUpstream() {
		byte[] big = new byte[ReadAccountGatewayFilterFactory.MAX_BODY + 1];
		java.util.Arrays.fill(big, (byte) ' ');
		EntityExchangeResult<byte[]> result = first.client()
			.post()
			.uri("/auth/login")
			.header(HttpHeaders.ORIGIN, "https://app.example.com")
			.header("X-Forwarded-For", freshAddress())
			.contentType(MediaType.APPLICATION_JSON)
			.body(BodyInserters.fromDataBuffers(Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(big))))
			.exchange()
			.expectBody()
			.returnResult();
		assertThat(result.getStatus().value()).isEqualTo(400);
		assertThat(new String(result.getResponseBodyContent(), StandardCharsets.UTF_8))
			.contains("\"code\":\"invalid_request\"");
	}

	@Test
	void loginWhenNoEmailInTheBodyThenLimitedPerClientAddress() {
		String address = freshAddress();
		List<Integer> statuses = new ArrayList<>();
		for (int i = 0; i < 2 * BURST; i++) {
			statuses.add(login((i % 2 == 0) ? first : second, address, "not json " + i).getStatus().value());
		}
		// one token per request, not two: the fallback is a bucket of its own
		assertLimitedAfterBurst(statuses);
	}

	@Test
	void refreshWhenOneRefreshTokenExceedsTheLimitFromTwoAddressesThenRateLimitedWhileAnotherTokenPasses() {
		String token = UUID.randomUUID().toString();
		String[] addresses = { freshAddress(), freshAddress() };
		List<Integer> statuses = new ArrayList<>();
		for (int i = 0; i < 2 * BURST; i++) {
			statuses.add(refresh((i % 2 == 0) ? first : second, addresses[i % 2], token).getStatus().value());
		}
		assertLimitedAfterBurst(statuses);
		assertThat(refresh(first, addresses[0], UUID.randomUUID().toString()).getStatus().value()).isEqualTo(200);
	}

}
