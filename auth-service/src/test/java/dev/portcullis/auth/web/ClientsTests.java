package dev.portcullis.auth.web;

import java.net.InetSocketAddress;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import static org.assertj.core.api.Assertions.assertThat;

/** Which address the session list and audit log record for a request. */
class ClientsTests {

	@ParameterizedTest(name = "peer {0}, X-Forwarded-For ''{1}'' -> {2}")
	@CsvSource(delimiter = '|', value = {
			// behind the gateway: the one entry it sends
			"127.0.0.1 | 198.51.100.7 | 198.51.100.7",
			"10.0.3.4 | 2001:db8::1 | 2001:db8::1",
			"127.0.0.1 | 203.0.113.9, 198.51.100.7 | 198.51.100.7",
			// an entry that is no address is not recorded
			"127.0.0.1 | <script>alert(1)</script> | 127.0.0.1",
			"127.0.0.1 | evil.example.com | 127.0.0.1",
			"127.0.0.1 | 1\u0663.0.0.1 | 127.0.0.1",
			"127.0.0.1 | 12345 | 127.0.0.1",
			// a public peer cannot choose what is recorded
			"203.0.113.5 | 198.51.100.7 | 203.0.113.5" })
	void ofWhenForwardedForThenOnlyAnAddressFromATrustedPeerBelieved(String peer, String forwardedFor, String expected) {
		MockServerHttpRequest request = MockServerHttpRequest.get("/auth/login")
			.remoteAddress(new InetSocketAddress(peer, 40000))
			.header("X-Forwarded-For", forwardedFor)
			.build();
		assertThat(Clients.of(request).ip()).isEqualTo(expected);
	}

}
