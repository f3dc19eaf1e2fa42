package dev.portcullis.gateway.differential;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.portcullis.gateway.app.GatewayApplication;
import dev.portcullis.gateway.testing.FakeJwksServer;
import dev.portcullis.gateway.testing.FakeRevocationFeed;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two gateways with the same routes and settings in one JVM, one with the lean path on and one
 * with every route on Spring Cloud Gateway's own chain
 * ({@code portcullis.gateway.lean-path.enabled=false}). Routes, all to one upstream:
 * {@code /api/**} protected with {@code StripPrefix=1}, {@code /pub/**} public with
 * {@code StripPrefix=1}, {@code /auth/**} public and forwarding the auth cookies.
 */
final class TwoPaths implements AutoCloseable {

	static final String APP_ORIGIN = "https://app.example.com";

	private final ConfigurableApplicationContext lean;

	private final ConfigurableApplicationContext full;

	TwoPaths(String upstream, FakeJwksServer jwks, FakeRevocationFeed feed) {
		this.lean = start(true, upstream, jwks, feed);
		this.full = start(false, upstream, jwks, feed);
	}

	int leanPort() {
		return port(this.lean);
	}

	int fullPort() {
		return port(this.full);
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	private static ConfigurableApplicationContext start(boolean leanPath, String upstream, FakeJwksServer jwks,
			FakeRevocationFeed feed) {
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--management.server.port=0",
				"--portcullis.gateway.lean-path.enabled=" + leanPath, "--portcullis.gateway.jwks-uri=" + jwks.uri(),
				"--portcullis.feed-secret=" + FakeRevocationFeed.SECRET,
				"--portcullis.gateway.revocation.feed-uri=" + feed.uri(),
				"--portcullis.gateway.cors.allowed-origins=" + APP_ORIGIN,
				"--spring.cloud.gateway.server.webflux.httpclient.response-timeout=" + Duration.ofSeconds(1)));
		route(args, 0, "api", upstream, "/api/**", "filters[0]=StripPrefix=1");
		route(args, 1, "public", upstream, "/pub/**", "filters[0]=StripPrefix=1", "metadata.public=true");
		route(args, 2, "auth", upstream, "/auth/**", "metadata.public=true", "metadata.forward-auth-cookies=true");
		return new SpringApplicationBuilder(GatewayApplication.class).run(args.toArray(String[]::new));
	}

	private static void route(List<String> args, int index, String id, String uri, String path, String... more) {
		String prefix = "--spring.cloud.gateway.server.webflux.routes[" + index + "].";
		args.add(prefix + "id=" + id);
		args.add(prefix + "uri=" + uri);
		args.add(prefix + "predicates[0]=Path=" + path);
		for (String setting : more) {
			args.add(prefix + setting);
		}
	}

	@Override
	public void close() {
		this.lean.close();
		this.full.close();
	}

}
