package dev.portcullis.e2e;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A JWK Set on loopback that publishes the auth service's signing keys, fetched afresh on every
 * request, and one more key the test holds: a gateway whose {@code jwks-uri} points here accepts
 * the auth service's tokens as before and also tokens the test signs, which the hostile-token
 * table needs ("valid but for one thing") without reaching into the auth service. Key sets
 * served from another host than the auth service are a supported deployment (a CDN, say).
 */
final class KeySetRelay implements AutoCloseable {

	private final HttpServer server;

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final RSAKey extra;

	private volatile URI source;

	KeySetRelay(RSAKey extra) throws IOException {
		this.extra = extra;
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.createContext("/jwks.json", this::publish);
		this.server.start();
	}

	/** Relays the key set at {@code jwksUri} from now on. */
	KeySetRelay from(URI jwksUri) {
		this.source = jwksUri;
		return this;
	}

	URI uri() {
		return URI.create("http://127.0.0.1:" + this.server.getAddress().getPort() + "/jwks.json");
	}

	/** An answer the relay cannot build fails the exchange: the gateway sees a broken fetch, never a partial set. */
	private void publish(HttpExchange exchange) throws IOException {
		try (exchange) {
			byte[] body = merged().getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/jwk-set+json");
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
		}
	}

	private String merged() throws IOException {
		HttpResponse<String> fetched;
		try {
			fetched = this.client.send(HttpRequest.newBuilder(this.source).timeout(Duration.ofSeconds(5)).build(),
					HttpResponse.BodyHandlers.ofString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("interrupted while fetching " + this.source, ex);
		}
		if (fetched.statusCode() != 200) {
			throw new IOException(this.source + " answered " + fetched.statusCode());
		}
		try {
			List<JWK> keys = new ArrayList<>(JWKSet.parse(fetched.body()).getKeys());
			keys.add(this.extra.toPublicJWK());
			return new JWKSet(keys).toString(true);
		}
		catch (ParseException ex) {
			throw new IOException("not a JWK Set from " + this.source, ex);
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
