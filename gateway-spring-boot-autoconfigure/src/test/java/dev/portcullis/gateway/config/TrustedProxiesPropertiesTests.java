package dev.portcullis.gateway.config;

import java.util.List;

import dev.portcullis.contract.forwarding.IpLiteral;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TrustedProxiesPropertiesTests {

	@Test
	void proxiesWhenNoneConfiguredThenNobodyTrusted() {
		TrustedProxiesProperties properties = new TrustedProxiesProperties(List.of());

		assertThat(properties.proxies().isEmpty()).isTrue();
		assertThat(properties.proxies().contains(IpLiteral.parse("127.0.0.1"))).isFalse();
	}

	@Test
	void constructorWhenNotACidrBlockThenFailsNamingItAndTheSetting() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new TrustedProxiesProperties(List.of("10.0.0.0/8", "10.1.2.3/8")))
			.withMessageContaining("portcullis.gateway.trusted-proxies")
			.withMessageContaining("'10.1.2.3/8'");
	}

}
