package dev.portcullis.gateway.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.portcullis.gateway.app.GatewayApplication;
import dev.portcullis.gateway.testing.FakeJwksServer;
import dev.portcullis.gateway.testing.FakeRevocationFeed;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One gateway replica in this JVM, on random ports, with rate limits on and routes to the
 * same upstream: {@code /api/**} protected and {@code /open/**} public, both limited by the
 * default key resolver with the given bucket, and {@code /auth/login} and {@code /auth/refresh}
 * limited per account or per refresh token and per client address.
 */
final class LimitedGateway implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private LimitedGateway(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/**
	 * @param routePrefix makes this run's route ids, hence its Redis keys, unique
	 * @param redisPort where Redis listens on loopback
	 * @param whenRedisDown fail-open or fail-closed
	 * @param replenishRate tokens per second
	 * @param burst bucket size
	 */
	static LimitedGateway start(FakeJwksServer jwks, FakeRevocationFeed feed, String upstream, String routePrefix,
			int redisPort, String whenRedisDown, int replenishRate, int burst) {
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--management.server.port=0",
				"--portcullis.gateway.jwks-uri=" + jwks.uri(), "--portcullis.feed-secret=" + FakeRevocationFeed.SECRET,
				"--portcullis.gateway.revocation.feed-uri=" + feed.uri(),
				"--portcullis.gateway.cors.allowed-origins=https://app.example.com",
				// X-Forwarded-For from loopback names the client: tests play several client addresses
				"--portcullis.gateway.trusted-proxies=127.0.0.1/32",
				"--portcullis.gateway.rate-limit.enabled=true",
				"--portcullis.gateway.rate-limit.when-redis-down=" + whenRedisDown,
				"--portcullis.gateway.rate-limit.retry-after=3s", "--spring.data.redis.host=127.0.0.1",
				"--spring.data.redis.port=" + redisPort, "--management.endpoint.health.show-details=always"));
		route(args, 0, routePrefix + "-api", upstream, "/api/**", false, replenishRate, burst);
		route(args, 1, routePrefix + "-open", upstream, "/open/**", true, replenishRate, burst);
		twoLimits(args, 2, routePrefix + "-credentials", upstream, "/auth/login", "portcullisAccountKeyResolver",
				replenishRate, burst);
		twoLimits(args, 3, routePrefix + "-refresh", upstream, "/auth/refresh", "portcullisSessionKeyResolver",
				replenishRate, burst);
		return new LimitedGateway(new SpringApplicationBuilder(GatewayApplication.class).run(args.toArray(String[]::new)));
	}

	private static void route(List<String> args, int index, String id, String uri, String path, boolean open,
			int replenishRate, int burst) {
		String prefix = "--spring.cloud.gateway.server.webflux.routes[" + index + "].";
		args.add(prefix + "id=" + id);
		args.add(prefix + "uri=" + uri);
		args.add(prefix + "predicates[0]=Path=" + path);
		if (open) {
			args.add(prefix + "metadata.public=true");
		}
		args.add(prefix + "filters[0].name=RequestRateLimiter");
		args.add(prefix + "filters[0].args.redis-rate-limiter.replenishRate=" + replenishRate);
		args.add(prefix + "filters[0].args.redis-rate-limiter.burstCapacity=" + burst);
	}

	/**
	 * A public route like the shipped sign-in and refresh routes: a limit by {@code keyResolver}
	 * (the per-account one after {@code ReadAccount}) and one per client address, same bucket size.
	 */
	private static void twoLimits(List<String> args, int index, String id, String uri, String path,
			String keyResolver, int replenishRate, int burst) {
		String prefix = "--spring.cloud.gateway.server.webflux.routes[" + index + "].";
		args.add(prefix + "id=" + id);
		args.add(prefix + "uri=" + uri);
		args.add(prefix + "predicates[0]=Path=" + path);
		args.add(prefix + "metadata.public=true");
		int first = 0;
		if (keyResolver.equals("portcullisAccountKeyResolver")) {
			args.add(prefix + "filters[0].name=ReadAccount");
			first = 1;
		}
		String[] resolvers = { keyResolver, "portcullisClientKeyResolver" };
		for (int i = 0; i < resolvers.length; i++) {
			String filter = prefix + "filters[" + (first + i) + "].";
			args.add(filter + "name=RequestRateLimiter");
			args.add(filter + "args.key-resolver=#{@" + resolvers[i] + "}");
			args.add(filter + "args.redis-rate-limiter.replenishRate=" + replenishRate);
			args.add(filter + "args.redis-rate-limiter.burstCapacity=" + burst);
		}
	}

	/** Waits until the signing keys are loaded: a user's request is no longer refused with 401. */
	LimitedGateway ready(String token) {
		await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> assertThat(client()
			.get()
			.uri("/api/ready")
			.cookie("__Host-access_token", token)
			.exchange()
			.expectBody()
			.returnResult()
			.getStatus()
			.value()).isNotEqualTo(401));
		return this;
	}

	WebTestClient client() {
		return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port("local.server.port")).build();
	}

	WebTestClient management() {
		return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port("local.management.port")).build();
	}

	private String port(String name) {
		return this.context.getEnvironment().getRequiredProperty(name);
	}

	@Override
	public void close() {
		this.context.close();
	}

}
