package dev.portcullis.gateway.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real upstream for the gateway: answers every request with a JSON echo of its method,
 * path and headers (names lower-cased). Paths containing {@code /slow} answer after 3 s; a path
 * ending in {@code /status/NNN} answers with that status; each {@code X-Echo-Response} request
 * header {@code Name=value} becomes a response header. Every answer carries the wide-open CORS
 * headers a careless upstream sends.
 */
public final class EchoUpstream implements AutoCloseable {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final DisposableServer server;

	private final List<String> paths = new CopyOnWriteArrayList<>();

	public EchoUpstream() {
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.handle((request, response) -> {
				this.paths.add(request.uri());
				Mono<byte[]> body = Mono.fromSupplier(() -> echo(request));
				if (request.uri().contains("/slow")) {
					body = Mono.delay(Duration.ofSeconds(3)).then(body);
				}
				int status = request.uri().matches(".*/status/\\d{3}$")
						? Integer.parseInt(request.uri().substring(request.uri().length() - 3)) : 200;
				response.status(status);
				for (String asked : request.requestHeaders().getAll("X-Echo-Response")) {
					int eq = asked.indexOf('=');
					response.addHeader(asked.substring(0, eq), asked.substring(eq + 1));
				}
				return response.header("Content-Type", "application/json")
					.header("Access-Control-Allow-Origin", "*")
					.header("Access-Control-Allow-Credentials", "true")
					.header("Access-Control-Expose-Headers", "X-Internal-Trace")
					.sendByteArray(body);
			})
			.bindNow();
	}

	private static byte[] echo(HttpServerRequest request) {
		Map<String, List<String>> headers = new LinkedHashMap<>();
		for (String name : request.requestHeaders().names()) {
			headers.put(name.toLowerCase(Locale.ROOT), request.requestHeaders().getAll(name));
		}
		Map<String, Object> echo = Map.of("method", request.method().name(), "path", request.uri(), "headers",
				headers);
		return json.writeValueAsString(echo).getBytes(StandardCharsets.UTF_8);
	}

	/** The request targets (path and query) received so far, in order. */
	public List<String> paths() {
		return List.copyOf(this.paths);
	}

	public String uri() {
		return "http://127.0.0.1:" + this.server.port();
	}

	@Override
	public void close() {
		this.server.disposeNow();
	}

}
