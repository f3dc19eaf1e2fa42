package dev.portcullis.e2e;

import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.contract.AccessTokenFormat;
import dev.portcullis.testsupport.HostileTokens;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A team's own Spring Cloud Gateway with the Portcullis starter ({@code e2e/team-gateway}) in
 * front of the sample upstream, with the real auth service (embedded database) behind: one set
 * of processes, started by the first test class that asks for it ({@link Started}) and shared by
 * every other in the run, stopped when the run ends.
 *
 * <p>The gateway reads its keys through a {@link KeySetRelay}: the auth service's keys plus
 * {@link #TEST_KEY}, so tests can sign tokens it trusts.
 */
final class TeamGateway implements AutoCloseable {

	/** A signing key the gateway trusts beside the auth service's, for tokens the tests forge. */
	static final RSAKey TEST_KEY = HostileTokens.rsaKey("e2e-team-gateway-test-key");

	final Portcullis portcullis;

	/** The user of the tokens signed with {@link #TEST_KEY}. */
	static final String USER_ID = UUID.randomUUID().toString();

	/** The session of the tokens signed with {@link #TEST_KEY}. */
	static final String SESSION_ID = UUID.randomUUID().toString();

	/** Built once: each table holds an attacker key of its own, and RSA keys are slow to make. */
	private static final HostileTokens TOKENS = new HostileTokens(TEST_KEY, AccessTokenFormat.DEFAULT_ISSUER,
			AccessTokenFormat.DEFAULT_AUDIENCE, USER_ID, SESSION_ID);

	/** Tokens signed with {@link #TEST_KEY}, hostile ones and a valid one, for {@link #USER_ID}. */
	static HostileTokens tokens() {
		return TOKENS;
	}

	private final KeySetRelay relay;

	private TeamGateway(Portcullis portcullis, KeySetRelay relay) {
		this.portcullis = portcullis;
		this.relay = relay;
	}

	static TeamGateway start() throws Exception {
		KeySetRelay relay = new KeySetRelay(TEST_KEY);
		try {
			List<String> auth = new ArrayList<>(EndToEndFlow.AUTH_ARGS);
			auth.addAll(List.of("--spring.profiles.active=embedded",
					"--PORTCULLIS_DATA_DIR=" + Files.createTempDirectory("portcullis-team-gateway")));
			Portcullis portcullis = Portcullis.start("team-gateway", GatewayApp.TEAM, auth, (started) -> {
				relay.from(URI.create("http://127.0.0.1:" + started.authPort + "/.well-known/jwks.json"));
				List<String> gateway = new ArrayList<>(EndToEndFlow.GATEWAY_ARGS);
				gateway.add("--portcullis.gateway.jwks-uri=" + relay.uri());
				return gateway;
			});
			TeamGateway team = new TeamGateway(portcullis, relay);
			try {
				team.awaitKeys();
			}
			catch (InterruptedException | AssertionError ex) {
				portcullis.close();
				throw ex;
			}
			return team;
		}
		catch (Exception | AssertionError ex) {
			relay.close();
			throw ex;
		}
	}

	/**
	 * Waits until a token the gateway must accept passes: its keys are loaded. Not the team's
	 * {@code /manage/health}, which also reports a Redis the team never asked for.
	 */
	private void awaitKeys() throws InterruptedException {
		WebTestClient client = WebTestClient.bindToServer().baseUrl(uri()).responseTimeout(Duration.ofSeconds(5)).build();
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		int status = 0;
		while (System.nanoTime() < deadline) {
			status = client.get()
				.uri(GatewayApp.TEAM.ordersPath)
				.cookie(EndToEndFlow.ACCESS, TOKENS.valid())
				.exchange()
				.expectBody()
				.returnResult()
				.getStatus()
				.value();
			if (status == 200) {
				return;
			}
			Thread.sleep(100);
		}
		throw new AssertionError("The team gateway still answers " + status + " to a valid token; see " + this.portcullis.logs);
	}

	String uri() {
		return this.portcullis.gateway();
	}

	@Override
	public void close() {
		this.portcullis.close();
		this.relay.close();
	}

	/** Resolves a {@link TeamGateway} parameter with the run's one started set of processes. */
	static final class Started implements ParameterResolver {

		@Override
		public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
			return parameter.getParameter().getType() == TeamGateway.class;
		}

		@Override
		public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
			return context.getRoot()
				.getStore(ExtensionContext.Namespace.create(TeamGateway.class))
				.computeIfAbsent(TeamGateway.class, (key) -> {
					try {
						return TeamGateway.start();
					}
					catch (Exception ex) {
						throw new IllegalStateException("The team gateway and the apps behind it did not start", ex);
					}
				}, TeamGateway.class);
		}

	}

}
