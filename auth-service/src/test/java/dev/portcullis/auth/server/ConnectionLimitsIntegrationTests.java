package dev.portcullis.auth.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.portcullis.auth.support.AuthClient;
import dev.portcullis.auth.support.AuthClient.Tokens;
import dev.portcullis.auth.support.EmbeddedAuthServiceTest;
import dev.portcullis.server.ConnectionMeter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The auth service's public port under slow and idle clients: connections that never finish
 * their headers and keep-alive connections left idle are closed, while logins and refreshes
 * keep being served; a body that breaks off is a client error, not an ERROR in the log.
 */
@EmbeddedAuthServiceTest
@TestPropertySource(properties = { "portcullis.server.header-timeout=1s", "server.netty.idle-timeout=2s" })
@ExtendWith(OutputCaptureExtension.class)
class ConnectionLimitsIntegrationTests {

	private static final int SLOW = 40;

	@LocalServerPort
	int port;

	@Autowired
	WebTestClient client;

	@Autowired
	MeterRegistry registry;

	@Test
	void portWhenSlowHeadersAndIdleConnectionsThenClosedWhileLoginsAndRefreshesServed() throws IOException {
		double before = refused("header_timeout");
		List<Connection> slow = new ArrayList<>();
		try (Connection idle = new Connection(this.port)) {
			idle.write("GET /nothing-here HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
			assertThat(idle.readStatusLine()).startsWith("HTTP/1.1 404");
			for (int i = 0; i < SLOW; i++) {
				Connection connection = new Connection(this.port);
				slow.add(connection);
				connection.write("POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n");
			}
			AuthClient auth = new AuthClient(this.client);
			Tokens session = auth.newSession();
			auth.refreshed(session);
			// each slow connection sends one more header line every 200 ms: never idle, never done
			for (int round = 0; round < 25 && slow.stream().anyMatch((c) -> !c.closed); round++) {
				for (Connection connection : slow) {
					connection.trickle("X-Slow: " + round + "\r\n");
				}
				await().pollDelay(Duration.ofMillis(200)).until(() -> true);
			}
			assertThat(slow).allMatch((connection) -> connection.closed);
			assertThat(refused("header_timeout") - before).isGreaterThanOrEqualTo(SLOW);
			auth.refreshed(auth.newSession());
			assertThat(idle.closedByServer(Duration.ofSeconds(4))).isTrue();
		}
		finally {
			for (Connection connection : slow) {
				connection.close();
			}
		}
	}

	@Test
	void registerWhenChunkBrokenMidBodyThenNoErrorLogged(CapturedOutput output) throws IOException {
		try (Connection connection = new Connection(this.port)) {
			connection.write("POST /auth/register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
					+ "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"ema\r\n");
			await().pollDelay(Duration.ofMillis(300)).until(() -> true);
			connection.write("zz\r\nbroken\r\n");
			assertThat(connection.readStatusLine()).startsWith("HTTP/1.1 400");
		}
		awaitQuietLog(output);
	}

	@Test
	void registerWhenClientDisconnectsMidBodyThenNoErrorLogged(CapturedOutput output) throws IOException {
		try (Connection connection = new Connection(this.port)) {
			connection.write("POST /auth/register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
					+ "Content-Length: 1000\r\n\r\n{\"email\":\"");
			await().pollDelay(Duration.ofMillis(300)).until(() -> true);
		}
		awaitQuietLog(output);
	}

	private static void awaitQuietLog(CapturedOutput output) {
		await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
		assertThat(output.getAll()).doesNotContain(" ERROR ", "500 Server Error", "\tat ");
	}

	private double refused(String reason) {
		return this.registry.get(ConnectionMeter.REFUSED).tag("reason", reason).counter().count();
	}

	/** One raw HTTP/1.1 connection on loopback. */
	private static final class Connection implements AutoCloseable {

		private final Socket socket;

		private final OutputStream out;

		private final InputStream in;

		private boolean closed;

		Connection(int port) throws IOException {
			this.socket = new Socket("127.0.0.1", port);
			this.socket.setSoTimeout(5000);
			this.out = this.socket.getOutputStream();
			this.in = this.socket.getInputStream();
		}

		void write(String text) throws IOException {
			this.out.write(text.getBytes(StandardCharsets.US_ASCII));
			this.out.flush();
		}

		/** Writes if still open; a write the server refuses marks the connection closed. */
		void trickle(String text) {
			if (this.closed) {
				return;
			}
			try {
				write(text);
				this.socket.setSoTimeout(1);
				this.closed = this.in.read() < 0;
			}
			catch (SocketTimeoutException ex) {
				this.closed = false;
			}
			catch (IOException ex) {
				this.closed = true;
			}
		}

		String readStatusLine() throws IOException {
			StringBuilder line = new StringBuilder();
			for (int b = this.in.read(); b != '\n'; b = this.in.read()) {
				if (b < 0) {
					throw new IOException("Closed before a status line: " + line);
				}
				line.append((char) b);
			}
			return line.toString().trim();
		}

		boolean closedByServer(Duration within) throws IOException {
			this.socket.setSoTimeout((int) within.toMillis());
			try {
				for (int b = this.in.read(); b >= 0; b = this.in.read()) {
					// the rest of the earlier response
				}
				return true;
			}
			catch (SocketTimeoutException ex) {
				return false;
			}
			catch (SocketException ex) {
				return true;
			}
		}

		@Override
		public void close() throws IOException {
			this.socket.close();
		}

	}

}
