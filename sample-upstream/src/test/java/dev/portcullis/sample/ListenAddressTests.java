package dev.portcullis.sample;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The sample believes X-User-* headers, so by default only this machine can reach it. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ListenAddressTests {

	@LocalServerPort
	int port;

	@Value("${server.address:}")
	String address;

	@Test
	void startWhenNoAddressConfiguredThenListensOnLoopbackOnly() throws IOException {
		assertThat(this.address).isEqualTo("127.0.0.1");
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 2000);
		}
		for (InetAddress other : nonLoopbackAddresses()) {
			assertThatExceptionOfType(ConnectException.class).as("connecting through " + other).isThrownBy(() -> {
				try (Socket socket = new Socket()) {
					socket.connect(new InetSocketAddress(other, this.port), 2000);
				}
			});
		}
	}

	private static List<InetAddress> nonLoopbackAddresses() throws SocketException {
		return Collections.list(NetworkInterface.getNetworkInterfaces())
			.stream()
			.flatMap(NetworkInterface::inetAddresses)
			.filter((address) -> address instanceof Inet4Address && !address.isLoopbackAddress())
			.toList();
	}

}
