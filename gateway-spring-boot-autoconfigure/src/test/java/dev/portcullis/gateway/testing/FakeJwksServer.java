package dev.portcullis.gateway.testing;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.nimbusds.jose.jwk.JWK;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * Stands in for the auth service's JWKS endpoint: serves a key set the test can rotate, and
 * can be stopped and started again on the same port.
 */
public final class FakeJwksServer implements AutoCloseable {

	private final AtomicReference<String> document = new AtomicReference<>("{\"keys\":[]}");

	private final AtomicInteger hits = new AtomicInteger();

	private final List<String> authorizations = new CopyOnWriteArrayList<>();

	private volatile int port;

	private volatile DisposableServer server;

	public FakeJwksServer(JWK... keys) {
		publish(keys);
		start();
	}

	public void publish(JWK... keys) {
		this.document.set(TestKeys.jwks(keys));
	}

	public void publishRaw(String body) {
		this.document.set(body);
	}

	public void start() {
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(this.port)
			.handle((request, response) -> {
				this.hits.incrementAndGet();
				String authorization = request.requestHeaders().get("Authorization");
				if (authorization != null) {
					this.authorizations.add(authorization);
				}
				return response.header("Content-Type", "application/json")
					.header("Cache-Control", "public, max-age=300")
					.sendByteArray(Mono.fromSupplier(() -> this.document.get().getBytes(StandardCharsets.UTF_8)));
			})
			.bindNow();
		this.port = this.server.port();
	}

	public void stop() {
		this.server.disposeNow();
	}

	/** Every {@code Authorization} header received; a key set needs none. */
	public List<String> authorizations() {
		return List.copyOf(this.authorizations);
	}

	public int hits() {
		return this.hits.get();
	}

	public URI uri() {
		return URI.create("http://127.0.0.1:" + this.port + "/.well-known/jwks.json");
	}

	@Override
	public void close() {
		if (!this.server.isDisposed()) {
			this.server.disposeNow();
		}
	}

}
