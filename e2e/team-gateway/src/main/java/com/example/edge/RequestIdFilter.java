package com.example.edge;

import java.util.UUID;

import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * Gives every routed request an id the services behind and the caller both see, replacing any
 * the caller sent: the team's own tracing, which knows nothing of sign-in.
 */
@Component
class RequestIdFilter implements GlobalFilter, Ordered {

	static final String HEADER = "X-Team-Request-Id";

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
		String id = UUID.randomUUID().toString();
		exchange.getResponse().getHeaders().set(HEADER, id);
		return chain.filter(exchange.mutate().request((request) -> request.headers((headers) -> headers.set(HEADER, id))).build());
	}

	@Override
	public int getOrder() {
		return 0;
	}

}
