/*
 * The floor: the least work a cookie-checking gateway on Reactor Netty does per request, as a
 * measuring stick for the gateway (not product code, not in the product build).
 *
 * Per request: read the access cookie; look the token up in a map of verified tokens (subject and
 * exp); verify RS256 with the JDK only for a token not seen before (exp re-checked on every hit);
 * drop the access cookie (keeping the others), the hop-by-hop headers and every header named in
 * Connection; set X-User-Id; strip the first path segment (StripPrefix=1, like the gateway's bench
 * routes); stream the body both ways over a pooled Reactor Netty client. A missing or bad token is
 * a 401 problem+json. The map is bounded: once full, new tokens are verified on every request.
 *
 * Launched as a single source file on the gateway jar's own libraries (same Netty and Reactor):
 *   java <gateway JVM options> -cp <BOOT-INF/lib jars> Floor.java PORT UPSTREAM_PORT COOKIE PUBLIC_PEM
 * bench/proxy/start.sh floor does exactly that.
 */

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.ConnectionProvider;

public final class Floor {

	private static final int MAX_VERIFIED = 100_000;

	private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "te",
			"trailer", "transfer-encoding", "upgrade", "proxy-authenticate", "proxy-authorization", "host");

	private static final Pattern EXP = Pattern.compile("\"exp\"\\s*:\\s*(\\d+)");

	private static final Pattern SUB = Pattern.compile("\"sub\"\\s*:\\s*\"([^\"]*)\"");

	private record Verified(String subject, long exp) {
	}

	private final ConcurrentHashMap<String, Verified> verified = new ConcurrentHashMap<>();

	private final PublicKey key;

	private final String cookieName;

	private final HttpClient client;

	private Floor(PublicKey key, String cookieName, int upstreamPort) {
		this.key = key;
		this.cookieName = cookieName;
		ConnectionProvider pool = ConnectionProvider.builder("floor")
			.maxConnections(500)
			.pendingAcquireMaxCount(1000)
			.maxIdleTime(Duration.ofSeconds(30))
			.build();
		this.client = HttpClient.create(pool).baseUrl("http://127.0.0.1:" + upstreamPort).keepAlive(true);
	}

	public static void main(String[] args) throws Exception {
		if (args.length != 4) {
			System.err.println("usage: Floor PORT UPSTREAM_PORT COOKIE_NAME PUBLIC_KEY_PEM");
			System.exit(2);
		}
		String pem = Files.readString(Path.of(args[3]))
			.replaceAll("-----[A-Z ]+-----", "")
			.replaceAll("\\s", "");
		PublicKey key = KeyFactory.getInstance("RSA")
			.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(pem)));
		Floor floor = new Floor(key, args[2], Integer.parseInt(args[1]));
		HttpServer.create()
			.host("127.0.0.1")
			.port(Integer.parseInt(args[0]))
			.handle(floor::proxy)
			.bindNow()
			.onDispose()
			.block();
	}

	private Mono<Void> proxy(HttpServerRequest request, HttpServerResponse response) {
		String cookies = request.requestHeaders().get(HttpHeaderNames.COOKIE);
		String token = cookieValue(cookies);
		Verified identity = token == null ? null : check(token);
		if (identity == null) {
			return response.status(HttpResponseStatus.UNAUTHORIZED)
				.header(HttpHeaderNames.CONTENT_TYPE, "application/problem+json")
				.sendString(Mono.just("{\"status\":401,\"code\":\"token_invalid\"}"))
				.then();
		}
		String uri = request.uri();
		int second = uri.indexOf('/', 1);
		String target = second < 0 ? "/" : uri.substring(second);
		return this.client.headers(h -> copyRequestHeaders(request.requestHeaders(), h, cookies, identity))
			.request(request.method())
			.uri(target)
			.send(request.receive().retain())
			.response((upstream, body) -> {
				response.status(upstream.status());
				response.headers(endToEnd(upstream.responseHeaders()));
				return response.send(body.retain());
			})
			.then();
	}

	private void copyRequestHeaders(HttpHeaders from, HttpHeaders to, String cookies, Verified identity) {
		Set<String> named = connectionTokens(from);
		for (var header : from) {
			String name = header.getKey();
			if (!isHopByHop(name, named) && !name.equalsIgnoreCase("cookie")
					&& !name.regionMatches(true, 0, "X-User-", 0, 7)) {
				to.add(name, header.getValue());
			}
		}
		String others = withoutAccessCookie(cookies);
		if (!others.isEmpty()) {
			to.set(HttpHeaderNames.COOKIE, others);
		}
		to.set("X-User-Id", identity.subject());
	}

	private static HttpHeaders endToEnd(HttpHeaders upstream) {
		Set<String> named = connectionTokens(upstream);
		HttpHeaders out = upstream.copy();
		for (var header : upstream) {
			String name = header.getKey();
			if (isHopByHop(name, named)) {
				out.remove(name);
			}
		}
		return out;
	}

	private static Set<String> connectionTokens(HttpHeaders headers) {
		String connection = headers.get(HttpHeaderNames.CONNECTION);
		if (connection == null) {
			return Set.of();
		}
		Set<String> tokens = new java.util.HashSet<>();
		for (String token : connection.split(",")) {
			tokens.add(token.trim().toLowerCase(java.util.Locale.ROOT));
		}
		return tokens;
	}

	private static boolean isHopByHop(String name, Set<String> named) {
		String lower = name.toLowerCase(java.util.Locale.ROOT);
		return HOP_BY_HOP.contains(lower) || named.contains(lower);
	}

	private String cookieValue(String cookies) {
		if (cookies == null) {
			return null;
		}
		int from = 0;
		while (from < cookies.length()) {
			int end = cookies.indexOf(';', from);
			if (end < 0) {
				end = cookies.length();
			}
			String pair = cookies.substring(from, end).trim();
			int eq = pair.indexOf('=');
			if (eq > 0 && pair.regionMatches(0, this.cookieName, 0, eq) && eq == this.cookieName.length()) {
				return pair.substring(eq + 1);
			}
			from = end + 1;
		}
		return null;
	}

	private String withoutAccessCookie(String cookies) {
		if (cookies == null) {
			return "";
		}
		StringBuilder kept = new StringBuilder();
		for (String pair : cookies.split(";")) {
			String trimmed = pair.trim();
			if (!trimmed.isEmpty() && !trimmed.startsWith(this.cookieName + "=")) {
				kept.append(kept.isEmpty() ? "" : "; ").append(trimmed);
			}
		}
		return kept.toString();
	}

	private Verified check(String token) {
		long now = System.currentTimeMillis() / 1000;
		Verified known = this.verified.get(token);
		if (known != null) {
			return known.exp() > now ? known : null;
		}
		Verified fresh = verify(token);
		if (fresh == null || fresh.exp() <= now) {
			return null;
		}
		if (this.verified.size() < MAX_VERIFIED) {
			this.verified.put(token, fresh);
		}
		return fresh;
	}

	private Verified verify(String token) {
		int first = token.indexOf('.');
		int last = token.lastIndexOf('.');
		if (first < 0 || last <= first) {
			return null;
		}
		try {
			Signature rs256 = Signature.getInstance("SHA256withRSA");
			rs256.initVerify(this.key);
			rs256.update(token.substring(0, last).getBytes(StandardCharsets.US_ASCII));
			if (!rs256.verify(Base64.getUrlDecoder().decode(token.substring(last + 1)))) {
				return null;
			}
			String claims = new String(Base64.getUrlDecoder().decode(token.substring(first + 1, last)),
					StandardCharsets.UTF_8);
			Matcher exp = EXP.matcher(claims);
			Matcher sub = SUB.matcher(claims);
			return exp.find() && sub.find() ? new Verified(sub.group(1), Long.parseLong(exp.group(1))) : null;
		}
		catch (GeneralSecurityException | IllegalArgumentException ex) {
			return null;
		}
	}

}
