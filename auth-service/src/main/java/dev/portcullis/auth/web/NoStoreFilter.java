package dev.portcullis.auth.web;

import reactor.core.publisher.Mono;

import org.springframework.http.CacheControl;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/** Answers under {@code /auth} set or describe credentials: no cache may keep them (RFC 6749 section 5.1). */
@Component
class NoStoreFilter implements WebFilter {

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (exchange.getRequest().getPath().value().startsWith("/auth")) {
			exchange.getResponse().getHeaders().setCacheControl(CacheControl.noStore());
		}
		return chain.filter(exchange);
	}

}
