package dev.portcullis.auth.web;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Turns away a body announced larger than any request of this API (16 KiB) before a byte of it
 * is read; {@link ProblemExceptionHandler} answers 413. Bodies without a length are bounded by the
 * codecs' in-memory limit instead. A body that breaks off while read (a disconnect, a read
 * timeout) becomes a {@link RequestBodyBrokenException}: the client's fault, not a server error.
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
		return chain.filter(exchange.mutate().request(new BreakAware(exchange.getRequest())).build());
	}

	private static final class BreakAware extends ServerHttpRequestDecorator {

		BreakAware(ServerHttpRequest request) {
			super(request);
		}

		@Override
		public Flux<DataBuffer> getBody() {
			return super.getBody().onErrorMap(RequestBodyBrokenException::new);
		}

	}

}
