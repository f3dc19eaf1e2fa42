package dev.portcullis.sample;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class WebSocketEchoTests {

	@Value("${local.server.port}")
	int port;

	@Test
	void echoWhenOpenedThenSendsIdentityThenEchoesEachTextMessage() {
		List<String> received = HttpClient.create()
			.headers((headers) -> headers.add("X-User-Id", "u-1").add("X-Session-Id", "s-1"))
			.websocket()
			.uri(URI.create("ws://127.0.0.1:" + this.port + WebSocketEcho.PATH))
			.handle((in, out) -> in.receive()
				.asString()
				.mergeWith(out.sendString(Flux.just("one", "two")).then().cast(String.class)))
			.take(3)
			.collectList()
			.block(Duration.ofSeconds(10));
		assertThat(received).hasSize(3);
		assertThat(received.get(0)).contains("\"event\":\"open\"")
			.contains("\"X-User-Id\":\"u-1\"")
			.contains("\"X-Session-Id\":\"s-1\"");
		assertThat(received.subList(1, 3)).containsExactly("one", "two");
	}

}
