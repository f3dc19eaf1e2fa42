package dev.portcullis.testsupport;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ListeningSocketsTests {

	@Test
	void addressesOfWhenBoundToLoopbackThenOnlyLoopback() throws Exception {
		Assumptions.assumeTrue(ListeningSockets.available(), "no /proc/net/tcp on this system");
		try (ServerSocket socket = new ServerSocket()) {
			socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
			assertThat(ListeningSockets.addressesOf(socket.getLocalPort()))
				.containsExactly(InetAddress.getByName("127.0.0.1"));
		}
	}

	@Test
	void addressesOfWhenBoundToEveryAddressThenTheWildcard() throws Exception {
		Assumptions.assumeTrue(ListeningSockets.available(), "no /proc/net/tcp on this system");
		try (ServerSocket socket = new ServerSocket(0)) {
			assertThat(ListeningSockets.addressesOf(socket.getLocalPort())).isNotEmpty()
				.allSatisfy((address) -> assertThat(address.isAnyLocalAddress()).isTrue());
		}
	}

	@Test
	void listeningAddressWhenHeaderOtherPortOrNotListeningThenNull() {
		String listening = "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000   106        0 7194 1";
		assertThat(ListeningSockets.listeningAddress("  sl  local_address rem_address   st tx_queue", 8080)).isNull();
		assertThat(ListeningSockets.listeningAddress(listening, 8081)).isNull();
		assertThat(ListeningSockets.listeningAddress(listening.replace(" 0A ", " 01 "), 8080)).isNull();
		assertThat(ListeningSockets.listeningAddress(listening, 8080)).isNotNull()
			.satisfies((address) -> assertThat(address.isLoopbackAddress()).isTrue());
	}

	@Test
	void listeningAddressWhenIpv6LoopbackThenLoopback() {
		String line = "   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000";
		assertThat(ListeningSockets.listeningAddress(line, 8080)).satisfies((address) -> {
			assertThat(address).isInstanceOf(java.net.Inet6Address.class);
			assertThat(address.isLoopbackAddress()).isTrue();
		});
	}

}
