package dev.portcullis.gateway.lean;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import dev.portcullis.gateway.client.ClientAddresses;
import dev.portcullis.gateway.core.CorsPolicy;
import dev.portcullis.gateway.core.CsrfPolicy;
import dev.portcullis.gateway.core.PathGuard;
import dev.portcullis.gateway.core.RequestView;
import dev.portcullis.gateway.proxy.UpstreamRequestHeaders;
import dev.portcullis.gateway.proxy.UpstreamResponseHeaders;
import dev.portcullis.gateway.security.AccessDecision;
import dev.portcullis.gateway.web.GatewayException;
import dev.portcullis.gateway.web.Problems;
import dev.portcullis.gateway.web.RequestBodyBrokenException;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;

import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.support.Netty4HeadersAdapter;

/**
 * The lean path: proxies the requests of the routes it supports at the Reactor Netty level,
 * ahead of WebFlux and Spring Cloud Gateway, doing what their chain does for such a route with
 * the same decisions ({@link PathGuard}, {@link CorsPolicy}, {@link CsrfPolicy},
 * {@link AccessDecision}), the same header passes ({@link UpstreamRequestHeaders},
 * {@link UpstreamResponseHeaders}), the same pooled HTTP client and the same answers to failures
 * ({@link Problems}). Everything else (no lean route matches, a WebSocket or other upgrade, a
 * request target that is not a plain origin-form path) falls through to WebFlux unchanged.
 *
 * <p>Order, as on the full chain: CORS (preflights answered, response headers rewritten), path
 * guard, CSRF, access check, the route's request steps, the hop-by-hop and forwarding pass, the
 * upstream call (bodies streamed both ways), the upstream's headers without hop-by-hop headers
 * and planted auth cookies, the route's response steps.
 */
final class LeanPath implements NettyRouteProvider {

	private static final Logger logger = LoggerFactory.getLogger(LeanPath.class);

	/**
	 * The match found by the route predicate, handed to the handler Reactor Netty calls next on
	 * the same thread, so a request is matched once.
	 */
	private static final ThreadLocal<Pending> PENDING = new ThreadLocal<>();

	private final LeanRoutes routes;

	private final HttpClient httpClient;

	private final CorsPolicy cors;

	private final CsrfPolicy csrf;

	private final AccessDecision access;

	private final ClientAddresses clients;

	private final UpstreamRequestHeaders requestHeaders;

	private final UpstreamResponseHeaders responseHeaders;

	private final Problems problems;

	/** The public port; requests on any other (the management port) are not the lean path's. */
	private volatile int port = -1;

	LeanPath(LeanRoutes routes, HttpClient httpClient, CorsPolicy cors, CsrfPolicy csrf, AccessDecision access,
			ClientAddresses clients, UpstreamRequestHeaders requestHeaders, UpstreamResponseHeaders responseHeaders,
			Problems problems) {
		this.routes = routes;
		this.httpClient = httpClient;
		this.cors = cors;
		this.csrf = csrf;
		this.access = access;
		this.clients = clients;
		this.requestHeaders = requestHeaders;
		this.responseHeaders = responseHeaders;
		this.problems = problems;
	}

	void onPublicPort(int port) {
		this.port = port;
	}

	@Override
	public HttpServerRoutes apply(HttpServerRoutes routes) {
		if (!this.routes.active()) {
			return routes;
		}
		return routes.route(this::accepts, this::handle);
	}

	private boolean accepts(HttpServerRequest request) {
		if (!(request.connectionHostAddress() instanceof InetSocketAddress local) || local.getPort() != this.port || request.requestHeaders().contains(HttpHeaderNames.UPGRADE)) {
			return false;
		}
		String uri = request.uri();
		if (uri.isEmpty() || uri.charAt(0) != '/' || !isPlainTarget(uri)) {
			return false;
		}
		int question = uri.indexOf('?');
		String rawPath = (question < 0) ? uri : uri.substring(0, question);
		String rawQuery = (question < 0) ? null : uri.substring(question + 1);
		HttpHeaders headers = new HttpHeaders(new Netty4HeadersAdapter(request.requestHeaders()));
		RequestView lean = new RequestView(HttpMethod.valueOf(request.method().name()), rawPath, rawQuery, headers,
				request.remoteAddress());
		LeanRoutes.Match match = this.routes.match(lean);
		if (match == null) {
			return false;
		}
		PENDING.set(new Pending(request, lean, match));
		return true;
	}

	/**
	 * Whether the request target is printable ASCII that a {@link URI} takes as it is, with
	 * well-formed escapes: anything else is left to WebFlux, which decides what it means.
	 */
	static boolean isPlainTarget(String uri) {
		for (int i = 0; i < uri.length(); i++) {
			char c = uri.charAt(i);
			if (c <= ' ' || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`'
					|| c == '{' || c == '|' || c == '}' || c == '#' || c == '[' || c == ']') {
				return false;
			}
			if (c == '%' && (i + 2 >= uri.length() || Character.digit(uri.charAt(i + 1), 16) < 0
					|| Character.digit(uri.charAt(i + 2), 16) < 0)) {
				return false;
			}
		}
		return true;
	}

	private Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		Pending pending = PENDING.get();
		PENDING.remove();
		if (pending == null || pending.request() != request) {
			// not expected: Reactor Netty calls the handler right after its predicate
			return Mono.error(new IllegalStateException("Lean path handler called without its match"));
		}
		RequestView lean = pending.lean();
		Route route = pending.match().route().route();
		String origin = lean.headers().getFirst(HttpHeaders.ORIGIN);
		if (origin != null && CorsPolicy.isPreflight(lean.method(), lean.headers())) {
			HttpHeaders answer = headersOf(response);
			response.status(this.cors.preflight(origin, lean.headers(), answer));
			answer.setContentLength(0);
			return response.send().then();
		}
		GatewayException badPath = PathGuard.check(lean.rawPath());
		if (badPath != null) {
			// refused before routing, as on the full chain: counted without a route
			return answer(request, response, null, origin, badPath);
		}
		return Mono.defer(() -> decideAndProxy(request, response, pending))
			.onErrorResume((ex) -> answer(request, response, route, origin, ex));
	}

	private Mono<Void> decideAndProxy(HttpServerRequest request, HttpServerResponse response, Pending pending) {
		RequestView lean = pending.lean();
		GatewayException refused = (this.csrf != null) ? this.csrf.checkUnsafe(lean.method(), lean.headers()) : null;
		if (refused != null) {
			return Mono.error(refused);
		}
		LeanRoute route = pending.match().route();
		boolean isPublic = this.access.isPublic(route.route(), lean.rawPath());
		return this.access.admit(route.route(), isPublic, lean.headers())
			.flatMap((admission) -> proxy(request, response, pending, admission));
	}

	private Mono<Void> proxy(HttpServerRequest request, HttpServerResponse response, Pending pending,
			AccessDecision.Admission admission) {
		RequestView lean = pending.lean();
		LeanRoute route = pending.match().route();
		io.netty.handler.codec.http.HttpHeaders identified = this.access.upstreamNettyHeaders(lean.headers(),
				route.route(), admission);
		HttpHeaders stepped = new HttpHeaders(new Netty4HeadersAdapter(identified));
		for (LeanRoute.HeaderStep step : route.requestHeaderSteps()) {
			step.apply(stepped);
		}
		io.netty.handler.codec.http.HttpHeaders outgoing = this.requestHeaders.upstream(stepped,
				this.clients.of(lean.remoteAddress(),
				lean.headers()));
		// the client sets Host from the upstream's URL
		outgoing.remove(HttpHeaderNames.HOST);
		String path = lean.rawPath();
		for (LeanRoute.PathStep step : route.pathSteps()) {
			path = step.apply(path, pending.match().variables());
		}
		String url = route.upstream().toString() + path + ((lean.rawQuery() != null) ? "?" + lean.rawQuery() : "");
		Flux<Upstream> answered = this.httpClient.headers((headers) -> headers.add(outgoing))
			.request(request.method())
			.uri(url)
			.send((clientRequest, outbound) -> outbound.send(request.receive()
				.retain()
				// a body broken by the client (bad chunk, disconnect, read timeout) is not a server error
				.onErrorMap(RequestBodyBrokenException::new)))
			.responseConnection((upstream, connection) -> Mono.just(new Upstream(upstream, connection)));
		Duration timeout = route.responseTimeout();
		if (timeout != null) {
			answered = answered.timeout(timeout,
					Mono.error(() -> new TimeoutException("Response took longer than timeout: " + timeout)));
		}
		String origin = lean.headers().getFirst(HttpHeaders.ORIGIN);
		return answered.single().flatMap((upstream) -> respond(response, route, origin, upstream));
	}

	private Mono<Void> respond(HttpServerResponse response, LeanRoute route, String origin, Upstream upstream) {
		Connection connection = upstream.connection();
		response.status(upstream.response().status());
		HttpHeaders headers = headersOf(response);
		this.responseHeaders.copy(upstream.response().responseHeaders(), headers, route.route());
		for (LeanRoute.HeaderStep step : route.responseHeaderSteps()) {
			step.apply(headers);
		}
		if (origin != null) {
			this.cors.onResponse(origin, headers);
		}
		return response.send(connection.inbound().receive().retain())
			.then()
			.doOnCancel(connection::dispose)
			.doOnError((ex) -> connection.dispose());
	}

	/** The answer to a refusal or failure, by the gateway's one problem renderer. */
	private Mono<Void> answer(HttpServerRequest request, HttpServerResponse response, Route route, String origin,
			Throwable ex) {
		boolean bodyBroken = Problems.isBodyBroken(ex);
		if (response.hasSentHeaders() || (bodyBroken && !connected(request))) {
			logger.debug("No answer possible for {} {}: {}", request.method(), request.uri(), ex.toString());
			return response.hasSentHeaders() ? Mono.error(ex) : Mono.empty();
		}
		Problems.Problem problem = this.problems.decide(ex, route);
		if (problem == null) {
			logger.error("Request failed on the lean path: {} {}", request.method(), request.uri(), ex);
			return response.status(500).send().then();
		}
		HttpHeaders headers = headersOf(response);
		headers.clear();
		response.status(problem.status().value());
		Problems.writeHeaders(problem, ex, headers);
		if (origin != null) {
			this.cors.onResponse(origin, headers);
		}
		byte[] body = Problems.render(problem);
		headers.setContentLength(body.length);
		return response.sendByteArray(Mono.just(body)).then();
	}

	private static boolean connected(HttpServerRequest request) {
		return !(request instanceof Connection connection) || connection.channel().isActive();
	}

	private static HttpHeaders headersOf(HttpServerResponse response) {
		return new HttpHeaders(new Netty4HeadersAdapter(response.responseHeaders()));
	}

	private record Pending(HttpServerRequest request, RequestView lean, LeanRoutes.Match match) {

	}

	private record Upstream(HttpClientResponse response, Connection connection) {

	}

}
