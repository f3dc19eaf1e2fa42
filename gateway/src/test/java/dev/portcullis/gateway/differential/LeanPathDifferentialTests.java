package dev.portcullis.gateway.differential;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.gateway.differential.RawExchange.Response;
import dev.portcullis.gateway.differential.RecordingUpstream.Recorded;
import dev.portcullis.gateway.testing.FakeJwksServer;
import dev.portcullis.gateway.testing.FakeRevocationFeed;
import dev.portcullis.gateway.testing.TestKeys;
import dev.portcullis.gateway.testing.TestTokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The lean path against Spring Cloud Gateway's own chain: every request of a corpus (methods,
 * fixed and chunked bodies, hop-by-hop and spoofed headers, mixed cookies, {@code Expect:
 * 100-continue}, long and percent-encoded targets, and upstream answers that are chunked, large,
 * informational, slow, reset or cut short) goes through a gateway with
 * {@code portcullis.gateway.lean-path.enabled=true} and through one with {@code false}, both
 * to one raw recording upstream. The upstream must receive the same bytes from both, and the
 * client must receive the same answer, except for the headers in
 * {@link RawExchange#NONDETERMINISTIC_RESPONSE_HEADERS} and
 * {@link #NONDETERMINISTIC_UPSTREAM_HEADERS}. What the upstream receives is compared byte for
 * byte (head and body). In the client's answer, header names are compared case-insensitively,
 * as HTTP reads them (the two paths' own answers spell {@code Content-Length} differently);
 * values and order exactly. Chunked bodies are compared decoded (chunk sizes follow how the
 * bytes were buffered); a body cut short by the upstream is compared by the fact that it was
 * cut, not by how many bytes got through first. A gateway that does not answer within 8 s is an
 * outcome compared like any other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class LeanPathDifferentialTests {

	/** Request headers the upstream sees that differ between any two requests: none so far. */
	static final Set<String> NONDETERMINISTIC_UPSTREAM_HEADERS = Set.of();

	private static final String ACCESS = "__Host-access_token";

	private static final RSAKey key = TestKeys.rsa("k1");

	private final String token = TestTokens.accessToken(key).sign();

	private FakeJwksServer jwks;

	private FakeRevocationFeed feed;

	private RecordingUpstream upstream;

	private TwoPaths gateways;

	@BeforeAll
	void start(CapturedOutput output) throws IOException {
		this.jwks = new FakeJwksServer(key);
		this.feed = new FakeRevocationFeed(Duration.ofSeconds(1));
		this.upstream = new RecordingUpstream();
		this.gateways = new TwoPaths(this.upstream.uri(), this.jwks, this.feed);
		// the corpus compares two paths only if the lean gateway really runs its routes on its own
		assertThat(output.getOut()).contains("Lean path: [api, public, auth]; on Spring Cloud Gateway's chain: []");
		String ready = "GET /api/ready HTTP/1.1\r\nHost: gateway.example\r\nCookie: " + ACCESS + "=" + this.token
				+ "\r\nConnection: close\r\n\r\n";
		for (int port : new int[] { this.gateways.leanPort(), this.gateways.fullPort() }) {
			await().atMost(Duration.ofSeconds(20))
				.untilAsserted(() -> assertThat(RawExchange.send(port, ready, new byte[0], false).status())
					.isEqualTo(200));
		}
	}

	@AfterAll
	void stop() throws IOException {
		this.gateways.close();
		this.upstream.close();
		this.jwks.close();
		this.feed.close();
	}

	/**
	 * One corpus entry.
	 * @param name what it exercises
	 * @param method the request method
	 * @param target the request target
	 * @param headers header lines after {@code Host} ({@code COOKIE} stands for the valid access
	 * cookie's value)
	 * @param body the body bytes as written after the head (already chunk-framed when chunked)
	 * @param reachesUpstream whether the full chain passes it on (false: the gateway answers)
	 */
	record Case(String name, String method, String target, List<String> headers, byte[] body,
			boolean reachesUpstream) {

		static Case of(String name, String method, String target, String... headers) {
			return new Case(name, method, target, List.of(headers), new byte[0], true);
		}

		Case body(String text) {
			return new Case(this.name, this.method, this.target, this.headers,
					text.getBytes(StandardCharsets.ISO_8859_1), this.reachesUpstream);
		}

		Case answeredByGateway() {
			return new Case(this.name, this.method, this.target, this.headers, this.body, false);
		}

		@Override
		public String toString() {
			return this.name;
		}

	}

	static Stream<Case> corpus() {
		String auth = "Cookie: " + ACCESS + "=COOKIE";
		String origin = "Origin: " + TwoPaths.APP_ORIGIN;
		String fixed = "{\"name\":\"value\",\"n\":42}";
		String chunked = "5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n";
		return Stream.of(
				Case.of("get", "GET", "/api/normal?q=1", auth, "Accept: application/json"),
				Case.of("get on the public route, no cookie", "GET", "/pub/normal", "Accept: */*"),
				Case.of("head", "HEAD", "/api/normal", auth),
				Case.of("options without Origin", "OPTIONS", "/api/normal", auth),
				Case.of("CORS preflight", "OPTIONS", "/api/normal", origin, "Access-Control-Request-Method: PUT",
						"Access-Control-Request-Headers: content-type")
					.answeredByGateway(),
				Case.of("delete", "DELETE", "/api/normal/7", auth, origin),
				Case.of("post with a fixed-length body", "POST", "/api/normal", auth, origin,
						"Content-Type: application/json", "Content-Length: " + fixed.length())
					.body(fixed),
				Case.of("put with a chunked body", "PUT", "/api/normal", auth, origin, "Content-Type: text/plain",
						"Transfer-Encoding: chunked")
					.body(chunked),
				Case.of("post with Expect: 100-continue", "POST", "/api/continue", auth, origin,
						"Content-Type: application/json", "Content-Length: " + fixed.length(),
						"Expect: 100-continue")
					.body(fixed),
				Case.of("post without Origin: CSRF refusal", "POST", "/api/normal", auth,
						"Content-Length: " + fixed.length())
					.body(fixed)
					.answeredByGateway(),
				Case.of("Connection naming headers, Keep-Alive, TE", "GET", "/api/normal", auth,
						"Connection: keep-alive, X-Secret-Hop", "X-Secret-Hop: must-not-pass",
						"Keep-Alive: timeout=5, max=100", "TE: trailers", "Proxy-Connection: keep-alive"),
				Case.of("Upgrade that is not a WebSocket", "GET", "/api/normal", auth, "Connection: Upgrade",
						"Upgrade: h2c", "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA"),
				Case.of("duplicate headers", "GET", "/api/normal", auth, "X-Dup: one", "X-Dup: two",
						"Accept: text/html", "Accept: application/json"),
				Case.of("X-Forwarded-* spoofing", "GET", "/api/normal", auth, "X-Forwarded-For: 203.0.113.9",
						"X-Forwarded-Host: evil.example", "X-Forwarded-Proto: https", "X-Forwarded-Port: 443",
						"X-Forwarded-Prefix: /admin", "Forwarded: for=203.0.113.9;proto=https", "X-Real-IP: 10.0.0.1"),
				Case.of("identity header spoofing", "GET", "/api/normal", auth, "X-User-Id: admin",
						"X-User-Roles: admin", "x-user-id: root"),
				Case.of("identity header spoofing on the public route", "GET", "/pub/normal", "X-User-Id: admin",
						"X-User-Roles: admin"),
				Case.of("auth cookie mixed with others, protected route", "GET", "/api/normal",
						"Cookie: theme=dark; " + ACCESS + "=COOKIE; __Secure-refresh_token=r1; lang=en"),
				Case.of("auth cookies mixed with others, auth route", "GET", "/auth/normal",
						"Cookie: theme=dark; " + ACCESS + "=COOKIE; __Secure-refresh_token=r1; lang=en"),
				Case.of("two Cookie headers", "GET", "/api/normal", "Cookie: theme=dark", auth),
				Case.of("Authorization header beside the cookie", "GET", "/api/normal", auth,
						"Authorization: Bearer something-else"),
				Case.of("no cookie: 401", "GET", "/api/normal").answeredByGateway(),
				Case.of("garbage cookie: 401", "GET", "/api/normal", "Cookie: " + ACCESS + "=not.a.token")
					.answeredByGateway(),
				Case.of("long query", "GET", "/api/normal?q=" + "x".repeat(4000) + "&r=1", auth),
				Case.of("percent-encoding", "GET", "/api/normal/%7Euser/%20x/caf%C3%A9?q=a%20b&r=%2F&s=%E2%82%AC",
						auth),
				Case.of("encoded slash: path guard refusal", "GET", "/api/normal/a%2Fb", auth).answeredByGateway(),
				Case.of("dot segments: path guard refusal", "GET", "/api/normal/./x/../y", auth)
					.answeredByGateway(),
				Case.of("encoded dot segments: path guard refusal", "GET", "/pub/x/%2e%2e/%2E%2E/admin")
					.answeredByGateway(),
				Case.of("encoded backslash: path guard refusal", "GET", "/api/normal%5cadmin", auth)
					.answeredByGateway(),
				Case.of("matrix parameter: path guard refusal", "GET", "/api/normal;jsessionid=1/admin", auth)
					.answeredByGateway(),
				Case.of("double-encoded dots: path guard refusal", "GET", "/pub/%252e%252e/admin")
					.answeredByGateway(),
				Case.of("double slash", "GET", "/api//normal//x", auth),
				Case.of("absolute-form target", "GET", "http://gateway.example/api/normal?abs=1", auth),
				Case.of("upstream answers chunked", "GET", "/api/chunked", auth),
				Case.of("head on a chunked answer", "HEAD", "/api/chunked", auth),
				Case.of("upstream answers 1 MiB", "GET", "/api/large", auth),
				Case.of("upstream sends 103 Early Hints", "GET", "/api/early-hints", auth),
				Case.of("upstream slower than the response timeout", "GET", "/api/slow", auth),
				Case.of("upstream resets the connection", "GET", "/api/reset", auth),
				Case.of("upstream closes mid-body", "GET", "/api/close-mid-body", auth),
				Case.of("upstream answers 503", "GET", "/api/status-503", auth));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("corpus")
	void bothPathsSendTheUpstreamTheSameBytesAndTheClientTheSameAnswer(Case request) throws IOException {
		Sent lean = send(this.gateways.leanPort(), request);
		Sent full = send(this.gateways.fullPort(), request);

		assertThat(lean.upstream()).as("what the upstream received (lean, then full chain)")
			.isEqualTo(full.upstream());
		assertThat(lean.response().describe()).as("what the client received (lean, then full chain)")
			.isEqualTo(full.response().describe());
		if (!full.response().truncated()) {
			assertThat(lean.response().body()).isEqualTo(full.response().body());
		}
		assertThat(full.upstream()).as("requests the upstream received").hasSize(request.reachesUpstream() ? 1 : 0);
	}

	/** What one gateway made of a request: the upstream requests, printable, and the answer. */
	private record Sent(List<String> upstream, Response response) {
	}

	private Sent send(int port, Case request) throws IOException {
		StringBuilder head = new StringBuilder(request.method() + " " + request.target() + " HTTP/1.1\r\n");
		head.append("Host: gateway.example\r\n");
		for (String header : request.headers()) {
			head.append(header.replace("COOKIE", this.token)).append("\r\n");
		}
		head.append("\r\n");
		this.upstream.clear();
		Response response = RawExchange.send(port, head.toString(), request.body(), request.method().equals("HEAD"));
		// the upstream records a request before it answers, so what it got is there by now
		List<String> received = new ArrayList<>();
		for (Recorded recorded : this.upstream.requests()) {
			received.add(normalised(recorded));
		}
		if (!response.truncated()) {
			assertThat(response.statusLine()).as("a complete answer has a status line").startsWith("HTTP/1.1 ");
		}
		return new Sent(received, response);
	}

	private String normalised(Recorded recorded) {
		StringBuilder kept = new StringBuilder();
		for (String line : recorded.head().split("\r\n")) {
			String name = line.contains(":") ? line.substring(0, line.indexOf(':')).toLowerCase(Locale.ROOT) : "";
			if (!NONDETERMINISTIC_UPSTREAM_HEADERS.contains(name)) {
				kept.append(line.replace(this.token, "<access token>")).append("\n");
			}
		}
		return kept + "body(" + recorded.body().length + ")=" + RawExchange.preview(recorded.body());
	}

}
