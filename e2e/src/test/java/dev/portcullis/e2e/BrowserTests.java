package dev.portcullis.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo page and {@code portcullis-client.js} driven in a real Chromium by Playwright
 * ({@code e2e/browser/spa.test.js}) against the released jars: login, a proxied call, transparent
 * refresh after expiry, two tabs refreshing at once, a WebSocket that reconnects across token
 * expiry, a withdrawn signing key (one refresh, not a logout), revocation and logout; sessions
 * bound to a non-extractable browser key, unbound without IndexedDB, and a refresh cookie copied
 * into another browser refused and the session ended. Screenshots of every step land in
 * {@code target/browser-screenshots}.
 */
class BrowserTests {

	/** Every expiry step waits this long, so it is short; the browser drops the cookie with it. */
	static final Duration ACCESS_TTL = Duration.ofSeconds(3);

	static final Duration NODE_TIMEOUT = Duration.ofMinutes(5);

	/** Turns on signing-key withdrawal, which one step performs. */
	static final String ADMIN_SECRET = "browser-test-admin-secret-0123456789abcdef";

	@Test
	void demoPageWhenDrivenInChromiumThenLoginRefreshTwoTabsSocketKeyWithdrawalRevokeLogoutAndBindingWork() throws Exception {
		BrowserToolchain browser = BrowserToolchain.requireOrSkip();
		Path data = Files.createTempDirectory("portcullis-browser");
		List<String> auth = List.of("--spring.profiles.active=embedded", "--PORTCULLIS_DATA_DIR=" + data,
				"--portcullis.auth.access-token-ttl=" + ACCESS_TTL.toSeconds() + "s", "--portcullis.admin-secret=" + ADMIN_SECRET,
				// the key-withdrawal step renews its cookies every 100 ms while the new key is made,
				// far past the per-session limit a browser meets (six per access-token lifetime)
				"--portcullis.auth.refresh-limit.rotations=1000");
		try (Portcullis portcullis = Portcullis.start("browser", auth, List.of("--portcullis.gateway.clock-skew=0s"))) {
			// localhost, not 127.0.0.1: the page's origin, which same-origin fetches send as Sec-Fetch-Site
			String gateway = "http://localhost:" + portcullis.gatewayPort;
			BrowserToolchain.Result run = browser.run("spa.test.js",
					Map.of("PORTCULLIS_GATEWAY_URL", gateway, "PORTCULLIS_ACCESS_TTL_MS",
							Long.toString(ACCESS_TTL.toMillis()), "PORTCULLIS_AUTH_MANAGEMENT_URL",
							"http://127.0.0.1:" + portcullis.authManagementPort, "PORTCULLIS_ADMIN_SECRET", ADMIN_SECRET),
					NODE_TIMEOUT, Path.of("target", "browser-tests", "spa.test.log"));
			System.out.println(run.output());
			assertThat(run.exitCode()).as("node --test spa.test.js (stopped after %s if null); its output:%n%s",
					NODE_TIMEOUT, run.output()).isEqualTo(0);
			assertThat(run.output()).as("the browser tests ran").contains("ℹ pass ").contains("ℹ fail 0");
			try (var shots = Files.list(Path.of("target", "browser-screenshots"))) {
				assertThat(shots.map((shot) -> shot.getFileName().toString()))
					.as("a screenshot of every step").hasSizeGreaterThanOrEqualTo(8).allMatch((name) -> name.endsWith(".png"));
			}
		}
	}

	/**
	 * portcullis-client.js's own retry of a 429 (Retry-After honoured once, only for requests
	 * that can be repeated), with a stand-in fetch: no gateway, no browser needed.
	 */
	@Test
	void clientWhenAnswered429ThenRetriesOnceAfterRetryAfterAndOnlyWhatCanBeRepeated() throws Exception {
		BrowserToolchain browser = BrowserToolchain.requireOrSkip();
		// the client module's own timers would keep node running after the last test
		BrowserToolchain.Result run = browser.run(List.of("--test-force-exit"), "client-retry.test.js", Map.of(),
				Duration.ofSeconds(60), Path.of("target", "browser-tests", "client-retry.test.log"));
		assertThat(run.exitCode()).as("node --test client-retry.test.js; its output:%n%s", run.output()).isEqualTo(0);
		assertThat(run.output()).as("the client tests ran").contains("ℹ pass 4").contains("ℹ fail 0");
	}

}
