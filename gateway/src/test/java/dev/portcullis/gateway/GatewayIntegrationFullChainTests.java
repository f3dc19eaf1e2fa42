package dev.portcullis.gateway;

import org.springframework.test.context.TestPropertySource;

/**
 * Every test of {@link GatewayIntegrationTests} (hostile tokens, identity and forwarding header
 * spoofing, hop-by-hop headers, CORS, CSRF, upstream failures) with the lean path off, so every
 * route runs on Spring Cloud Gateway's own chain: both paths are held to the same behaviour.
 */
@TestPropertySource(properties = "portcullis.gateway.lean-path.enabled=false")
class GatewayIntegrationFullChainTests extends GatewayIntegrationTests {

}
