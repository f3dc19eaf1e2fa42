package dev.portcullis.gateway.ratelimit;

import java.net.InetSocketAddress;
import java.util.List;

import dev.portcullis.contract.forwarding.TrustedProxies;
import dev.portcullis.gateway.client.ClientAddresses;
import dev.portcullis.gateway.security.VerifiedAccess;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;

class PortcullisKeyResolverTests {

	private static final ClientAddresses CLIENTS = new ClientAddresses(TrustedProxies.none());


	private static final VerifiedAccess ACCESS = new VerifiedAccess("6f1c2a4e-8b0d-4a53-9f6e-2c7d9b1e3a50",
			"0b9e7c3d-5a14-4f28-8d61-e2f4a7c90b13", List.of("user"), "k1", 0, 1);

	private static ServerWebExchange exchange(InetSocketAddress client, VerifiedAccess access) {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.get("/api/x").remoteAddress(client));
		if (access != null) {
			exchange.getAttributes().put(VerifiedAccess.ATTRIBUTE, access);
		}
		return exchange;
	}

	@Test
	void resolveWhenAccessCheckVerifiedAUserThenKeyedByUser() {
		StepVerifier.create(PortcullisKeyResolver.perUser(CLIENTS).resolve(exchange(new InetSocketAddress("203.0.113.7", 4000), ACCESS)))
			.expectNext("user:6f1c2a4e-8b0d-4a53-9f6e-2c7d9b1e3a50")
			.verifyComplete();
	}

	@Test
	void resolveWhenPublicRouteThenKeyedByClientAddress() {
		StepVerifier.create(PortcullisKeyResolver.perUser(CLIENTS).resolve(exchange(new InetSocketAddress("203.0.113.7", 4000), null)))
			.expectNext("client:203.0.113.7")
			.verifyComplete();
	}

	@Test
	void resolveWhenPerClientThenUserIgnored() {
		StepVerifier.create(PortcullisKeyResolver.perClient(CLIENTS).resolve(exchange(new InetSocketAddress("203.0.113.7", 4000), ACCESS)))
			.expectNext("client:203.0.113.7")
			.verifyComplete();
	}

	@Test
	void resolveWhenClientAddressUnknownThenSharedUnknownBucketNeverEmpty() {
		StepVerifier.create(PortcullisKeyResolver.perUser(CLIENTS).resolve(exchange(null, null)))
			.expectNext("client:unknown")
			.verifyComplete();
	}

}
