package dev.portcullis.gateway.lean;

import java.time.Duration;

import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.gateway.testing.EchoUpstream;
import dev.portcullis.gateway.testing.FakeJwksServer;
import dev.portcullis.gateway.testing.FakeRevocationFeed;
import dev.portcullis.gateway.testing.TestKeys;
import org.junit.jupiter.api.AfterAll;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The routes' behaviour on the lean path (the default): none of their requests reaches WebFlux. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
@Import(WebFluxRequests.class)
class LeanPathIntegrationTests extends ProxiedRouteBehaviour {

	static final RSAKey key = TestKeys.rsa("k1");

	static final FakeJwksServer jwks = new FakeJwksServer(key);

	static final FakeRevocationFeed feed = new FakeRevocationFeed(Duration.ofSeconds(1));

	static final EchoUpstream upstream = new EchoUpstream();

	static final BodyEchoUpstream bodies = new BodyEchoUpstream();

	@DynamicPropertySource
	static void routes(DynamicPropertyRegistry registry) {
		properties(registry, true, jwks, feed, upstream, bodies);
	}

	@AfterAll
	static void stopServers() {
		jwks.close();
		feed.close();
		upstream.close();
		bodies.close();
	}

	@Override
	boolean lean() {
		return true;
	}

	@Override
	EchoUpstream upstream() {
		return upstream;
	}

	@Override
	RSAKey key() {
		return key;
	}

}
