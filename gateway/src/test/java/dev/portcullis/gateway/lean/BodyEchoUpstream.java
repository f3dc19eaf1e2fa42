package dev.portcullis.gateway.lean;

import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * An upstream that streams every request body straight back, chunked, with the request's
 * {@code Content-Length} and {@code Transfer-Encoding} as {@code X-Received-*} headers.
 */
final class BodyEchoUpstream implements AutoCloseable {

	private final DisposableServer server = HttpServer.create()
		.host("127.0.0.1")
		.port(0)
		.handle((request, response) -> {
			String length = request.requestHeaders().get("Content-Length");
			String encoding = request.requestHeaders().get("Transfer-Encoding");
			response.header("X-Received-Length", (length != null) ? length : "none")
				.header("X-Received-Encoding", (encoding != null) ? encoding : "none")
				.header("Content-Type", "application/octet-stream");
			return response.send(request.receive().retain());
		})
		.bindNow();

	String uri() {
		return "http://127.0.0.1:" + this.server.port();
	}

	@Override
	public void close() {
		this.server.disposeNow();
	}

}
