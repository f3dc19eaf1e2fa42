package dev.portcullis.auth.web;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Turns away a body announced larger than any request of this API (16 KiB) before a byte of it
 * is read; {@link ProblemExceptionHandler} answers 413. Bodies without a length are bounded by the
 * codecs' in-memory limit instead.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestSizeFilter implements WebFilter {

	static final long MAX_BODY = 16 * 1024;

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		long announced = exchange.getRequest().getHeaders().getContentLength();
		if (announced > MAX_BODY) {
			return Mono.error(new BodyTooLargeException(announced, MAX_BODY));
		}
		return chain.filter(exchange);
	}

}
