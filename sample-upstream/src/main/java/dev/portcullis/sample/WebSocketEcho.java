package dev.portcullis.sample;

import java.util.LinkedHashMap;
import java.util.Map;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;

/**
 * A WebSocket at {@code /ws/echo}: on open it sends one JSON message with the identity the
 * gateway asserted on the upgrade request ({@code {"event":"open","identity":{"X-User-Id":…}}}),
 * then echoes every text message unchanged.
 */
@Configuration(proxyBeanMethods = false)
class WebSocketEcho {

	static final String PATH = "/ws/echo";

	private static final JsonMapper json = JsonMapper.builder().build();

	@Bean
	HandlerMapping webSocketEchoMapping() {
		// ahead of the catch-all HTTP echo
		return new SimpleUrlHandlerMapping(Map.of(PATH, (WebSocketHandler) WebSocketEcho::echo), Ordered.HIGHEST_PRECEDENCE);
	}

	static Mono<Void> echo(WebSocketSession session) {
		String hello = json.writeValueAsString(opened(session.getHandshakeInfo().getHeaders()));
		return session.send(session.receive()
			.filter((message) -> message.getType() == WebSocketMessage.Type.TEXT)
			.map((message) -> session.textMessage(message.getPayloadAsText()))
			.startWith(session.textMessage(hello)));
	}

	static Map<String, Object> opened(HttpHeaders headers) {
		Map<String, String> identity = new LinkedHashMap<>();
		for (String name : EchoRoutes.IDENTITY_HEADERS) {
			identity.put(name, headers.getFirst(name));
		}
		Map<String, Object> opened = new LinkedHashMap<>();
		opened.put("event", "open");
		opened.put("service", "sample-upstream");
		opened.put("identity", identity);
		return opened;
	}

}
