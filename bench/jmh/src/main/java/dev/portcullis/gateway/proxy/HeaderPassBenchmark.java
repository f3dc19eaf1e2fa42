package dev.portcullis.gateway.proxy;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.portcullis.contract.AuthCookies;
import dev.portcullis.contract.forwarding.TrustedProxies;
import dev.portcullis.gateway.client.ClientAddresses;
import dev.portcullis.gateway.route.RoutePolicy;
import io.netty.handler.codec.http.DefaultHttpHeaders;
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

import org.springframework.cloud.gateway.filter.headers.GRPCRequestHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.RemoveXForwardedHeadersFilter;
import org.springframework.cloud.gateway.filter.headers.TransferEncodingNormalizationHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.support.Netty4HeadersAdapter;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;

/**
 * The upstream header work of one proxied request, before and after the gateway's own routing
 * replaced Spring Cloud Gateway's header handling (the shipped configuration: no tracing).
 * Request side, before: the five header filters, the client address, the routing filter's
 * copy into Netty headers; after: the one pass that builds those Netty headers. Response side,
 * before: the routing filter's copy of the upstream's Netty headers into Spring headers, the
 * hop-by-hop filter, the set of names, the copy into the response; after: the one copy from
 * the Netty map into the response. A browser's request headers after the access check, a
 * typical upstream response, a response whose headers are a Netty map as on the server.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class HeaderPassBenchmark {

	private ServerWebExchange exchange;

	private HttpHeaders request;

	private List<HttpHeadersFilter> before;

	private UpstreamRequestHeaders requestPass;

	private UpstreamResponseHeaders responsePass;

	private HttpHeaders response;

	private RemoveHopByHopHeadersFilter hopByHop;

	private io.netty.handler.codec.http.HttpHeaders upstreamResponse;

	@Setup
	public void setUp() {
		this.exchange = MockServerWebExchange
			.from(MockServerHttpRequest.get("/api/items").remoteAddress(new InetSocketAddress("127.0.0.1", 40000)));
		// what the access check hands on: a Netty map, read-only
		DefaultHttpHeaders netty = new DefaultHttpHeaders();
		netty.add("Host", "app.example.com");
		netty.add("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36");
		netty.add("Accept", "application/json, text/plain, */*");
		netty.add("Accept-Language", "en-GB,en;q=0.9");
		netty.add("Accept-Encoding", "gzip, deflate, br");
		netty.add("Referer", "https://app.example.com/orders");
		netty.add("Sec-Fetch-Site", "same-origin");
		netty.add("Sec-Fetch-Mode", "cors");
		netty.add("Sec-Fetch-Dest", "empty");
		netty.add("Connection", "keep-alive");
		netty.add("Cookie", "theme=dark; lang=en");
		netty.add("X-User-Id", "6f1c2d3e-4b5a-4c6d-8e9f-0a1b2c3d4e5f");
		netty.add("X-User-Roles", "user");
		netty.add("X-Session-Id", "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d");
		this.request = HttpHeaders.readOnlyHttpHeaders(new HttpHeaders(new Netty4HeadersAdapter(netty)));
		this.before = List.of(new RemoveForwardedHeadersFilter(), new RemoveXForwardedHeadersFilter(),
				new TransferEncodingNormalizationHeadersFilter(), new RemoveHopByHopHeadersFilter(),
				new GRPCRequestHeadersFilter());
		this.requestPass = new UpstreamRequestHeaders(true, true, new ClientAddresses(TrustedProxies.none()));
		this.responsePass = new UpstreamResponseHeaders(new RoutePolicy(List.of()),
				List.of(AuthCookies.ACCESS, AuthCookies.REFRESH));
		this.hopByHop = new RemoveHopByHopHeadersFilter();
		this.upstreamResponse = new DefaultHttpHeaders();
		this.upstreamResponse.add("Server", "nginx/1.22.1");
		this.upstreamResponse.add("Date", "Fri, 27 Nov 2026 20:00:00 GMT");
		this.upstreamResponse.add("Content-Type", "application/json");
		this.upstreamResponse.add("Content-Length", "512");
		this.upstreamResponse.add("Connection", "keep-alive");
		this.upstreamResponse.add("Cache-Control", "no-store");
		this.upstreamResponse.add("ETag", "\"5f1c-2d3e\"");
	}

	@Benchmark
	public DefaultHttpHeaders requestBefore() {
		HttpHeaders filtered = this.request;
		for (HttpHeadersFilter filter : this.before) {
			filtered = filter.filter(filtered, this.exchange);
		}
		// the client address filter set X-Forwarded-For on the hop-by-hop filter's copy
		filtered.set("X-Forwarded-For", "127.0.0.1");
		return copiedForRouting(filtered);
	}

	@Benchmark
	public io.netty.handler.codec.http.HttpHeaders requestAfter() {
		return this.requestPass.upstream(this.request, this.exchange);
	}

	@Benchmark
	public Object responseBefore() {
		HttpHeaders copied = new HttpHeaders();
		this.upstreamResponse.forEach((header) -> copied.add(header.getKey(), header.getValue()));
		HttpHeaders filtered = this.hopByHop.filter(copied, this.exchange);
		HttpHeaders response = serverResponse();
		if (!filtered.containsHeader(HttpHeaders.TRANSFER_ENCODING) && filtered.containsHeader(HttpHeaders.CONTENT_LENGTH)) {
			response.remove(HttpHeaders.TRANSFER_ENCODING);
		}
		Object names = filtered.headerNames();
		response.addAll(filtered);
		return names;
	}

	@Benchmark
	public Object responseAfter() {
		return this.responsePass.copy(this.upstreamResponse, serverResponse(), this.exchange);
	}

	/** What the routing filter does with the filtered headers. */
	private static DefaultHttpHeaders copiedForRouting(HttpHeaders filtered) {
		DefaultHttpHeaders copy = new DefaultHttpHeaders();
		filtered.forEach(copy::set);
		return copy;
	}

	/** The server response's headers, a Netty map as on Reactor Netty. */
	private static HttpHeaders serverResponse() {
		return new HttpHeaders(new Netty4HeadersAdapter(new DefaultHttpHeaders()));
	}

}
