package dev.portcullis.gateway.server;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.portcullis.gateway.app.GatewayApplication;
import com.nimbusds.jose.jwk.RSAKey;
import dev.portcullis.gateway.testing.EchoUpstream;
import dev.portcullis.gateway.testing.FakeJwksServer;
import dev.portcullis.gateway.testing.FakeRevocationFeed;
import dev.portcullis.gateway.testing.TestKeys;
import dev.portcullis.testsupport.RawHttpConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client whose request body breaks while the gateway forwards it (a bad chunk size, a
 * disconnect mid-body) made a client error: no ERROR, no stack trace, no 500 in the log.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class BrokenRequestBodyIntegrationTests {

	static final RSAKey key = TestKeys.rsa("k1");

	static final FakeJwksServer jwks = new FakeJwksServer(key);

	static final EchoUpstream upstream = new EchoUpstream();

	static final FakeRevocationFeed feed = new FakeRevocationFeed(Duration.ofSeconds(1));

	@Value("${local.server.port}")
	int port;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("portcullis.gateway.jwks-uri", () -> jwks.uri().toString());
		registry.add("portcullis.feed-secret", () -> FakeRevocationFeed.SECRET);
		registry.add("portcullis.gateway.revocation.feed-uri", () -> feed.uri().toString());
		registry.add("portcullis.server.body-read-timeout", () -> "1s");
		registry.add("spring.cloud.gateway.server.webflux.routes[0].id", () -> "public");
		registry.add("spring.cloud.gateway.server.webflux.routes[0].uri", upstream::uri);
		registry.add("spring.cloud.gateway.server.webflux.routes[0].predicates[0]", () -> "Path=/pub/**");
		registry.add("spring.cloud.gateway.server.webflux.routes[0].metadata.public", () -> "true");
	}

	@AfterAll
	static void stopServers() {
		jwks.close();
		upstream.close();
		feed.close();
	}

	@Test
	void forwardWhenChunkSizeBrokenMidBodyThenClientErrorAndNoErrorLogged(CapturedOutput output) throws IOException {
		try (RawHttpConnection connection = new RawHttpConnection(this.port, Duration.ofSeconds(10))) {
			connection.send("POST /pub/slow HTTP/1.1\r\nHost: 127.0.0.1\r\nSec-Fetch-Site: same-origin\r\nTransfer-Encoding: chunked\r\n"
					+ "Content-Type: text/plain\r\n\r\n5\r\nhello\r\n");
			await().pollDelay(Duration.ofMillis(300)).until(() -> true);
			connection.send("zz\r\nbroken\r\n");
			assertThat(connection.readStatus()).isEqualTo(400);
		}
		awaitQuietLog(output);
	}

	@Test
	void forwardWhenClientDisconnectsMidBodyThenNoErrorLogged(CapturedOutput output) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			OutputStream out = socket.getOutputStream();
			out.write(("POST /pub/slow HTTP/1.1\r\nHost: 127.0.0.1\r\nSec-Fetch-Site: same-origin\r\nContent-Length: 1000\r\n"
					+ "Content-Type: text/plain\r\n\r\n" + "x".repeat(100)).getBytes(StandardCharsets.US_ASCII));
			out.flush();
			await().pollDelay(Duration.ofMillis(300)).until(() -> true);
		}
		awaitQuietLog(output);
	}

	@Test
	void forwardWhenBodyStalledPastTheReadTimeoutThenInvalidRequestOrClosedAndNoErrorLogged(CapturedOutput output)
			throws IOException {
		try (RawHttpConnection connection = new RawHttpConnection(this.port, Duration.ofSeconds(10))) {
			connection.send("POST /pub/slow HTTP/1.1\r\nHost: 127.0.0.1\r\nSec-Fetch-Site: same-origin\r\n"
					+ "Content-Length: 1000\r\nContent-Type: text/plain\r\n\r\n" + "x".repeat(100));
			int status;
			try {
				status = connection.readStatus();
			}
			catch (IOException closedWithoutAnswer) {
				status = 0; // the read timeout closed the connection before an answer could go out
			}
			assertThat(status).isIn(0, 400);
		}
		awaitQuietLog(output);
	}

	private static void awaitQuietLog(CapturedOutput output) {
		// the upstream answers /slow after 3 s: by then the gateway has settled the exchange
		await().pollDelay(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> true);
		assertThat(output.getAll()).doesNotContain(" ERROR ", "500 Server Error", "\tat ");
	}

}
