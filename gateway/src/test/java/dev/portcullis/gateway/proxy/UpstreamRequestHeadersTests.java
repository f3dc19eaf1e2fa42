package dev.portcullis.gateway.proxy;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.portcullis.contract.forwarding.TrustedProxies;
import dev.portcullis.gateway.client.ClientAddresses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.cloud.gateway.filter.headers.GRPCRequestHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveXForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.TransferEncodingNormalizationHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one request pass against what it replaces: Spring Cloud Gateway's own header filters, run
 * as they ran before (in their order), then the client address. Same input, same output; with
 * no trusted proxy configured (the default) the client address is the TCP peer, as before.
 */
class UpstreamRequestHeadersTests {

	private static final ClientAddresses NO_PROXIES = new ClientAddresses(TrustedProxies.none());

	/** Two load balancers in front of the gateway. */
	private static final ClientAddresses BALANCERS = new ClientAddresses(
			TrustedProxies.of(List.of("10.0.1.0/24", "10.0.2.7")));

	private final UpstreamRequestHeaders pass = new UpstreamRequestHeaders(true, true, NO_PROXIES);

	static List<Map<String, List<String>>> clientHeaders() {
		return List.of(Map.of("Accept", List.of("*/*"), "Cookie", List.of("theme=dark")),
				Map.of("X-Forwarded-For", List.of("203.0.113.9", "198.51.100.7"), "x-forwarded-proto", List.of("https"),
						"X-Forwarded-Host", List.of("evil.example"), "Forwarded", List.of("for=203.0.113.9"),
						"X-Real-IP", List.of("203.0.113.9")),
				Map.of("Connection", List.of("keep-alive, X-Trace"), "Keep-Alive", List.of("timeout=5"), "X-Trace",
						List.of("1"), "X-Kept", List.of("yes")),
				Map.of("connection", List.of("Upgrade"), "Upgrade", List.of("websocket"), "TE", List.of("trailers"),
						"Trailer", List.of("Expires"), "Proxy-Authorization", List.of("Basic eA=="),
						"Proxy-Authenticate", List.of("Basic"), "X-Application-Context", List.of("app")),
				Map.of("Transfer-Encoding", List.of(" Chunked "), "Content-Length", List.of("12"), "Content-Type",
						List.of("application/json")),
				Map.of("Transfer-Encoding", List.of("gzip, chunked"), "Content-Length", List.of("12")),
				Map.of("Content-Length", List.of("12"), "X-Many", List.of("a", "b", "c")),
				Map.of("X-Forwarded-", List.of("empty suffix"), "XForwarded-For", List.of("not the prefix"),
						"Forwarded-For", List.of("not Forwarded")));
	}

	@ParameterizedTest
	@MethodSource("clientHeaders")
	void filterWhenClientHeadersThenSameAsSpringCloudGatewayFiltersAndClientAddress(Map<String, List<String>> sent) {
		ServerWebExchange exchange = exchange(sent, "127.0.0.2");

		HttpHeaders ours = this.pass.filter(exchange.getRequest().getHeaders(), exchange);

		assertThat(normalised(ours)).isEqualTo(normalised(before(exchange)));
		assertThat(ours.get("X-Forwarded-For")).containsExactly("127.0.0.2");
	}

	@Test
	void filterWhenClientSendsForwardedHostAndProtoThenTheOriginItAddressedSentOn() {
		ServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("https://app.example:8443/auth/refresh")
			.remoteAddress(new InetSocketAddress("203.0.113.5", 40000))
			.header("X-Forwarded-Host", "evil.example")
			.header("X-Forwarded-Proto", "http"));

		HttpHeaders ours = this.pass.filter(exchange.getRequest().getHeaders(), exchange);

		assertThat(ours.get("X-Forwarded-Host")).containsExactly("app.example:8443");
		assertThat(ours.get("X-Forwarded-Proto")).containsExactly("https");
	}

	@Test
	void filterWhenTrustedBalancerTerminatesTlsThenItsForwardedHostAndProtoSentOn() {
		UpstreamRequestHeaders behindBalancers = new UpstreamRequestHeaders(true, true, BALANCERS);
		ServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("http://gateway:8080/auth/refresh")
			.remoteAddress(new InetSocketAddress("10.0.1.5", 40000))
			.header("X-Forwarded-For", "198.51.100.7")
			.header("X-Forwarded-Host", "app.example, inner.example")
			.header("X-Forwarded-Proto", "https"));

		HttpHeaders ours = behindBalancers.filter(exchange.getRequest().getHeaders(), exchange);

		assertThat(ours.get("X-Forwarded-Host")).containsExactly("app.example");
		assertThat(ours.get("X-Forwarded-Proto")).containsExactly("https");
	}

	@Test
	void filterWhenUntrustedPeerSendsForwardedHostAndProtoThenTheGatewaysOwnSentOn() {
		UpstreamRequestHeaders behindBalancers = new UpstreamRequestHeaders(true, true, BALANCERS);
		ServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("http://gateway:8080/auth/refresh")
			.remoteAddress(new InetSocketAddress("203.0.113.5", 40000))
			.header("X-Forwarded-Host", "evil.example")
			.header("X-Forwarded-Proto", "https"));

		HttpHeaders ours = behindBalancers.filter(exchange.getRequest().getHeaders(), exchange);

		assertThat(ours.get("X-Forwarded-Host")).containsExactly("gateway:8080");
		assertThat(ours.get("X-Forwarded-Proto")).containsExactly("http");
	}

	@Test
	void filterWhenPeerUnknownThenNoForwardedFor() {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.get("/api/x").header("X-Forwarded-For", "203.0.113.9"));

		HttpHeaders ours = this.pass.filter(exchange.getRequest().getHeaders(), exchange);

		assertThat(ours.containsHeader("X-Forwarded-For")).isFalse();
	}

	@Test
	void filterWhenTrustedProxiesConfiguredThenForwardingHeadersLeftToSpringCloudGateway() {
		UpstreamRequestHeaders trusting = new UpstreamRequestHeaders(false, false, NO_PROXIES);
		ServerWebExchange exchange = exchange(Map.of("X-Forwarded-Proto", List.of("https"), "Forwarded",
				List.of("proto=https"), "X-Forwarded-For", List.of("203.0.113.9")), "127.0.0.2");

		HttpHeaders ours = trusting.filter(exchange.getRequest().getHeaders(), exchange);

		assertThat(ours.get("X-Forwarded-Proto")).containsExactly("https");
		assertThat(ours.get("Forwarded")).containsExactly("proto=https");
		assertThat(ours.get("X-Forwarded-For")).containsExactly("127.0.0.2");
	}

	@Test
	void filterWhenNoTrustedProxiesThenClientsForwardedForReplacedByThePeer() {
		ServerWebExchange exchange = exchange(Map.of("X-Forwarded-For", List.of("198.51.100.7")), "10.0.1.5");

		HttpHeaders ours = this.pass.filter(exchange.getRequest().getHeaders(), exchange);

		assertThat(ours.get("X-Forwarded-For")).containsExactly("10.0.1.5");
	}

	@Test
	void filterWhenTrustedBalancerForwardsThenItsClientSentOnAsTheOneEntry() {
		UpstreamRequestHeaders behindBalancers = new UpstreamRequestHeaders(true, true, BALANCERS);
		ServerWebExchange exchange = exchange(Map.of("X-Forwarded-For", List.of("203.0.113.9, 198.51.100.7")),
				"10.0.1.5");

		HttpHeaders ours = behindBalancers.filter(exchange.getRequest().getHeaders(), exchange);

		assertThat(ours.get("X-Forwarded-For")).containsExactly("198.51.100.7");
	}

	@Test
	void filterWhenSpoofingClientOutsideTheListThenItsOwnAddressSentOn() {
		UpstreamRequestHeaders behindBalancers = new UpstreamRequestHeaders(true, true, BALANCERS);
		ServerWebExchange exchange = exchange(Map.of("X-Forwarded-For", List.of("198.51.100.7")), "203.0.113.5");

		HttpHeaders ours = behindBalancers.filter(exchange.getRequest().getHeaders(), exchange);

		assertThat(ours.get("X-Forwarded-For")).containsExactly("203.0.113.5");
	}

	@Test
	void filterWhenChainOfTwoBalancersThenTheAddressTheFirstOneSawSentOn() {
		UpstreamRequestHeaders behindBalancers = new UpstreamRequestHeaders(true, true, BALANCERS);
		// client -> 10.0.2.7 (edge) -> 10.0.1.5 (internal) -> gateway; the left-most entry is the client's lie
		ServerWebExchange exchange = exchange(
				Map.of("X-Forwarded-For", List.of("192.0.2.66", "198.51.100.7, 10.0.2.7")), "10.0.1.5");

		HttpHeaders ours = behindBalancers.filter(exchange.getRequest().getHeaders(), exchange);

		assertThat(ours.get("X-Forwarded-For")).containsExactly("198.51.100.7");
	}

	@Test
	void filterWhenTrustedBalancerSendsNoAddressThenTheBalancerSentOn() {
		UpstreamRequestHeaders behindBalancers = new UpstreamRequestHeaders(true, true, BALANCERS);
		ServerWebExchange exchange = exchange(Map.of("X-Forwarded-For", List.of("1.2")), "10.0.1.5");

		HttpHeaders ours = behindBalancers.filter(exchange.getRequest().getHeaders(), exchange);

		assertThat(ours.get("X-Forwarded-For")).containsExactly("10.0.1.5");
	}

	private static ServerWebExchange exchange(Map<String, List<String>> sent, String peer) {
		MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.post("/api/x")
			.remoteAddress(new InetSocketAddress(peer, 40000));
		sent.forEach((name, values) -> request.header(name, values.toArray(String[]::new)));
		return MockServerWebExchange.from(request);
	}

	/** The filters the gateway ran on every request before, in their order, then X-Forwarded-For. */
	private static HttpHeaders before(ServerWebExchange exchange) {
		List<HttpHeadersFilter> filters = List.of(new RemoveForwardedHeadersFilter(),
				new RemoveXForwardedHeadersFilter(), new TransferEncodingNormalizationHeadersFilter(),
				new RemoveHopByHopHeadersFilter(), new GRPCRequestHeadersFilter());
		HttpHeaders headers = HttpHeadersFilter.filterRequest(filters, exchange);
		HttpHeaders writable = new HttpHeaders();
		writable.addAll(headers);
		writable.set("X-Forwarded-For", exchange.getRequest().getRemoteAddress().getAddress().getHostAddress());
		if (exchange.getRequest().getURI().getHost() != null) {
			writable.set("X-Forwarded-Host", exchange.getRequest().getURI().getHost());
			writable.set("X-Forwarded-Proto", exchange.getRequest().getURI().getScheme());
		}
		return writable;
	}

	private static Map<String, List<String>> normalised(HttpHeaders headers) {
		Map<String, List<String>> byName = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
		headers.forEach((name, values) -> byName.computeIfAbsent(name, (n) -> new ArrayList<>()).addAll(values));
		return byName;
	}

}
