package dev.portcullis.auth.admin;


import dev.portcullis.auth.support.AuthServiceTest;
import dev.portcullis.testsupport.ListeningSockets;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped management address (tests move only its port), as the kernel reports the socket. */
@AuthServiceTest
class ManagementPortTests {

	@Value("${local.management.port}")
	int managementPort;

	@Value("${local.server.port}")
	int serverPort;

	@Test
	void managementPortWhenShippedSettingsThenListensOnLoopbackOnly() throws Exception {
		Assumptions.assumeTrue(ListeningSockets.available(), "no /proc/net/tcp on this system");
		assertThat(this.managementPort).isNotEqualTo(this.serverPort);
		assertThat(ListeningSockets.addressesOf(this.managementPort)).isNotEmpty()
			.allSatisfy((address) -> assertThat(address.isLoopbackAddress()).as(address.toString()).isTrue());
	}

	/** The API port is not narrowed by the shipped settings: ./quickstart narrows it, deployments choose. */
	@Test
	void serverPortWhenShippedSettingsThenListensOnEveryAddress() throws Exception {
		Assumptions.assumeTrue(ListeningSockets.available(), "no /proc/net/tcp on this system");
		assertThat(ListeningSockets.addressesOf(this.serverPort)).isNotEmpty()
			.allSatisfy((address) -> assertThat(address.isAnyLocalAddress()).as(address.toString()).isTrue());
	}

}
