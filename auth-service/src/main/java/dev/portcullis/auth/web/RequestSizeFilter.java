package dev.portcullis.auth.web;

import java.nio.charset.StandardCharsets;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Turns away a body announced larger than any request of this API (16 KiB) before a byte of it
 * is read. Bodies without a length are bounded by the codecs' in-memory limit instead.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestSizeFilter implements WebFilter {

	static final long MAX_BODY = 16 * 1024;

	private static final byte[] PROBLEM = ("{\"type\":\"https://portcullis.dev/problems/payload_too_large\","
			+ "\"title\":\"Content Too Large\",\"status\":413,\"detail\":\"The request body is too large\","
			+ "\"code\":\"payload_too_large\"}").getBytes(StandardCharsets.UTF_8);

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (exchange.getRequest().getHeaders().getContentLength() > MAX_BODY) {
			ServerHttpResponse response = exchange.getResponse();
			response.setStatusCode(HttpStatus.CONTENT_TOO_LARGE);
			response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
			response.getHeaders().set("Connection", "close");
			return response.writeWith(Mono.fromSupplier(() -> response.bufferFactory().wrap(PROBLEM)));
		}
		return chain.filter(exchange);
	}

}
