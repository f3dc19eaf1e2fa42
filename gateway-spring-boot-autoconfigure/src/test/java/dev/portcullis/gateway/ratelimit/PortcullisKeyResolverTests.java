package dev.portcullis.gateway.ratelimit;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.portcullis.contract.forwarding.TrustedProxies;
import dev.portcullis.gateway.client.ClientAddresses;
import dev.portcullis.gateway.security.VerifiedAccess;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.http.HttpCookie;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

class PortcullisKeyResolverTests {

	private static final ClientAddresses CLIENTS = new ClientAddresses(TrustedProxies.none());


	private static final VerifiedAccess ACCESS = new VerifiedAccess("6f1c2a4e-8b0d-4a53-9f6e-2c7d9b1e3a50",
			"0b9e7c3d-5a14-4f28-8d61-e2f4a7c90b13", List.of("user"), "k1", 0, 1);

	private static ServerWebExchange exchange(InetSocketAddress client, VerifiedAccess access) {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.get("/api/x").remoteAddress(client));
		if (access != null) {
			exchange.getAttributes().put(VerifiedAccess.ATTRIBUTE, access);
		}
		return exchange;
	}

	@Test
	void resolveWhenAccessCheckVerifiedAUserThenKeyedByUser() {
		StepVerifier.create(PortcullisKeyResolver.perUser(CLIENTS).resolve(exchange(new InetSocketAddress("203.0.113.7", 4000), ACCESS)))
			.expectNext("user:6f1c2a4e-8b0d-4a53-9f6e-2c7d9b1e3a50")
			.verifyComplete();
	}

	@Test
	void resolveWhenPublicRouteThenKeyedByClientAddress() {
		StepVerifier.create(PortcullisKeyResolver.perUser(CLIENTS).resolve(exchange(new InetSocketAddress("203.0.113.7", 4000), null)))
			.expectNext("client:203.0.113.7")
			.verifyComplete();
	}

	@Test
	void resolveWhenPerClientThenUserIgnored() {
		StepVerifier.create(PortcullisKeyResolver.perClient(CLIENTS).resolve(exchange(new InetSocketAddress("203.0.113.7", 4000), ACCESS)))
			.expectNext("client:203.0.113.7")
			.verifyComplete();
	}

	@Test
	void resolveWhenClientAddressUnknownThenSharedUnknownBucketNeverEmpty() {
		StepVerifier.create(PortcullisKeyResolver.perUser(CLIENTS).resolve(exchange(null, null)))
			.expectNext("client:unknown")
			.verifyComplete();
	}

	@Test
	void resolveWhenAccountReadFromTheBodyThenKeyedByItsHash() {
		ServerWebExchange exchange = exchange(new InetSocketAddress("203.0.113.7", 4000), null);
		exchange.getAttributes().put(ReadAccountGatewayFilterFactory.ACCOUNT_ATTRIBUTE, "ada@example.org");
		StepVerifier.create(PortcullisKeyResolver.perAccount(CLIENTS).resolve(exchange))
			.assertNext((key) -> assertThat(key).startsWith("account:")
				.isEqualTo("account:" + PortcullisKeyResolver.hash("ada@example.org"))
				.doesNotContain("ada")
				.hasSize("account:".length() + 22))
			.verifyComplete();
	}

	@Test
	void resolveWhenNoAccountThenOwnBucketPerClientAddressNeverEmpty() {
		StepVerifier.create(PortcullisKeyResolver.perAccount(CLIENTS).resolve(exchange(new InetSocketAddress("203.0.113.7", 4000), ACCESS)))
			.expectNext("account:client:203.0.113.7")
			.verifyComplete();
	}

	@Test
	void resolveWhenRefreshCookieThenKeyedByItsHash() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/auth/refresh")
			.remoteAddress(new InetSocketAddress("203.0.113.7", 4000))
			.cookie(new HttpCookie("__Secure-refresh_token", "r3fr3sh")));
		StepVerifier.create(PortcullisKeyResolver.perSession(CLIENTS, "__Secure-refresh_token").resolve(exchange))
			.expectNext("session:" + PortcullisKeyResolver.hash("r3fr3sh"))
			.verifyComplete();
	}

	@Test
	void resolveWhenRefreshCookieMissingOrSentTwiceThenOwnBucketPerClientAddress() {
		MockServerWebExchange twice = MockServerWebExchange.from(MockServerHttpRequest.post("/auth/refresh")
			.remoteAddress(new InetSocketAddress("203.0.113.7", 4000))
			.cookie(new HttpCookie("__Secure-refresh_token", "a"), new HttpCookie("__Secure-refresh_token", "b")));
		PortcullisKeyResolver resolver = PortcullisKeyResolver.perSession(CLIENTS, "__Secure-refresh_token");
		StepVerifier.create(resolver.resolve(twice)).expectNext("session:client:203.0.113.7").verifyComplete();
		StepVerifier.create(resolver.resolve(exchange(new InetSocketAddress("203.0.113.7", 4000), null)))
			.expectNext("session:client:203.0.113.7")
			.verifyComplete();
	}

	@Test
	void accountWhenEmailInTheBodyThenTrimmedAndLowerCased() {
		assertThat(ReadAccountGatewayFilterFactory.account(utf8("{\"email\":\"  Ada@Example.ORG \",\"password\":\"x\"}")))
			.isEqualTo("ada@example.org");
	}

	@Test
	void accountWhenBodyGarbledOrWithoutUsableEmailThenNone() {
		assertThat(ReadAccountGatewayFilterFactory.account(new byte[0])).isNull();
		assertThat(ReadAccountGatewayFilterFactory.account(utf8("not json"))).isNull();
		assertThat(ReadAccountGatewayFilterFactory.account(utf8("{\"email\":"))).isNull();
		assertThat(ReadAccountGatewayFilterFactory.account(utf8("[\"ada@example.org\"]"))).isNull();
		assertThat(ReadAccountGatewayFilterFactory.account(utf8("{\"email\":42}"))).isNull();
		assertThat(ReadAccountGatewayFilterFactory.account(utf8("{\"email\":\"   \"}"))).isNull();
		assertThat(ReadAccountGatewayFilterFactory.account(utf8("{\"email\":\"" + "a".repeat(255) + "\"}"))).isNull();
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
