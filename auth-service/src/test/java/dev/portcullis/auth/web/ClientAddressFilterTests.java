package dev.portcullis.auth.web;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import dev.portcullis.auth.config.TrustedProxiesProperties;
import dev.portcullis.auth.session.ClientInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Which address the session list, audit log and login throttle see for a request. */
class ClientAddressFilterTests {

	private static final TrustedProxiesProperties DEFAULTS = new TrustedProxiesProperties(List.of("127.0.0.0/8", "::1"));

	@ParameterizedTest(name = "peer {0}, X-Forwarded-For ''{1}'' -> {2}")
	@CsvSource(delimiter = '|', value = {
			// behind the gateway on loopback: the one entry it sends
			"127.0.0.1 | 198.51.100.7 | 198.51.100.7",
			"::1 | 2001:db8::1 | 2001:db8:0:0:0:0:0:1",
			"127.0.0.1 | 203.0.113.9, 198.51.100.7 | 198.51.100.7",
			// an entry that is no strict IP literal is not believed
			"127.0.0.1 | 1.2 | 127.0.0.1",
			"127.0.0.1 | 1.7 | 127.0.0.1",
			"127.0.0.1 | 12345 | 127.0.0.1",
			"127.0.0.1 | <script>alert(1)</script> | 127.0.0.1",
			"127.0.0.1 | evil.example.com | 127.0.0.1",
			"127.0.0.1 | 1\u0663.0.0.1 | 127.0.0.1",
			// a peer on the private network is no proxy unless configured as one
			"10.0.3.4 | 198.51.100.7 | 10.0.3.4",
			"192.168.1.20 | 192.168.1.30 | 192.168.1.20",
			// a public peer cannot choose what is recorded
			"203.0.113.5 | 198.51.100.7 | 203.0.113.5" })
	void filterWhenDefaultTrustedProxiesThenOnlyAnAddressFromLoopbackBelieved(String peer, String forwardedFor,
			String expected) {
		assertThat(clientBehind(DEFAULTS, peer, forwardedFor).ip()).isEqualTo(expected);
	}

	@Test
	void filterWhenSpoofingClientOutsideTheListThenItsOwnAddress() {
		TrustedProxiesProperties gateways = new TrustedProxiesProperties(List.of("10.0.1.0/24"));

		assertThat(clientBehind(gateways, "10.0.2.9", "198.51.100.7").ip()).isEqualTo("10.0.2.9");
		assertThat(clientBehind(gateways, "10.0.1.5", "198.51.100.7").ip()).isEqualTo("198.51.100.7");
	}

	@Test
	void filterWhenChainOfTwoTrustedProxiesThenTheAddressBeforeThem() {
		TrustedProxiesProperties gateways = new TrustedProxiesProperties(List.of("10.0.1.0/24", "10.0.9.1"));

		// client -> load balancer 10.0.9.1 -> gateway 10.0.1.5 -> auth service; the client's own
		// entry on the left is a lie the chain does not carry forward
		ClientInfo client = clientBehind(gateways, "10.0.1.5", "192.0.2.66, 198.51.100.7, 10.0.9.1");

		assertThat(client.ip()).isEqualTo("198.51.100.7");
	}

	@Test
	void filterWhenForwardedForBelievedOrNotThenHeaderRemoved() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/auth/login")
			.remoteAddress(new InetSocketAddress("203.0.113.5", 40000))
			.header("X-Forwarded-For", "198.51.100.7"));

		ServerWebExchange passed = filtered(DEFAULTS, exchange);

		assertThat(passed.getRequest().getHeaders().containsHeader("X-Forwarded-For")).isFalse();
	}

	@Test
	void filterWhenForwardedOriginFromATrustedProxyThenProofsAreCheckedAgainstIt() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("http://auth:8081/auth/refresh")
			.remoteAddress(new InetSocketAddress("127.0.0.1", 40000))
			.header("X-Forwarded-Host", "app.example")
			.header("X-Forwarded-Proto", "https"));

		ServerWebExchange passed = filtered(DEFAULTS, exchange);

		assertThat(Proofs.target(passed.getRequest())).hasToString("https://app.example/auth/refresh");
	}

	@Test
	void filterWhenForwardedOriginFromAnyoneElseThenRemovedAndTheRequestsOwnUriCounts() {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("http://auth:8081/auth/refresh")
			.remoteAddress(new InetSocketAddress("203.0.113.5", 40000))
			.header("X-Forwarded-Host", "evil.example")
			.header("X-Forwarded-Proto", "https"));

		ServerWebExchange passed = filtered(DEFAULTS, exchange);

		assertThat(passed.getRequest().getHeaders().containsHeader("X-Forwarded-Host")).isFalse();
		assertThat(passed.getRequest().getHeaders().containsHeader("X-Forwarded-Proto")).isFalse();
		assertThat(Proofs.target(passed.getRequest())).hasToString("http://auth:8081/auth/refresh");
	}

	@Test
	void constructorWhenNotACidrBlockThenFailsNamingItAndTheSetting() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new TrustedProxiesProperties(List.of("10.0.0.0/8", "gateway.internal")))
			.withMessageContaining("portcullis.auth.trusted-proxies")
			.withMessageContaining("'gateway.internal'");
	}

	private static ClientInfo clientBehind(TrustedProxiesProperties properties, String peer, String forwardedFor) {
		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/auth/login")
			.remoteAddress(new InetSocketAddress(peer, 40000))
			.header("X-Forwarded-For", forwardedFor));
		return Clients.of(filtered(properties, exchange).getRequest());
	}

	private static ServerWebExchange filtered(TrustedProxiesProperties properties, ServerWebExchange exchange) {
		AtomicReference<ServerWebExchange> passed = new AtomicReference<>();
		new ClientAddressFilter(properties).filter(exchange, (next) -> Mono.fromRunnable(() -> passed.set(next)))
			.as(StepVerifier::create)
			.verifyComplete();
		assertThat(passed.get()).isNotNull();
		return passed.get();
	}

}
