package dev.portcullis.gateway.lean;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class LeanPathSwitchesTests {

	private static String reason(MockEnvironment environment) {
		return LeanPathAutoConfiguration.everyRouteReason(environment, new GatewayProperties(), List.of(), List.of());
	}

	@Test
	void defaultSettingsLeaveRoutesToTheLeanPath() {
		assertThat(reason(new MockEnvironment())).isNull();
	}

	@Test
	void pathGuardSwitchedOffPutsEveryRouteOnTheFullChain() {
		assertThat(reason(new MockEnvironment().withProperty("portcullis.gateway.path-guard.enabled", "false")))
			.isEqualTo("portcullis.gateway.path-guard.enabled=false");
	}

	@Test
	void corsSwitchedOffPutsEveryRouteOnTheFullChain() {
		assertThat(reason(new MockEnvironment().withProperty("portcullis.gateway.cors.enabled", "false")))
			.isEqualTo("portcullis.gateway.cors.enabled=false");
	}

	@Test
	void leanPathSwitchedOffSaysSo() {
		assertThat(reason(new MockEnvironment().withProperty("portcullis.gateway.lean-path.enabled", "false")))
			.isEqualTo("portcullis.gateway.lean-path.enabled=false");
	}

}
