package dev.portcullis.gateway.security;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpCookie;
import org.springframework.web.server.ServerWebExchange;

/**
 * Extracts the access token from its cookie: empty when there is none, an error when the
 * request is ambiguous (the cookie sent twice, as a planted cookie would be).
 */
final class AccessTokenConverter {

	private final String cookieName;

	public AccessTokenConverter(String cookieName) {
		this.cookieName = cookieName;
	}

	public Mono<String> convert(ServerWebExchange exchange) {
		List<HttpCookie> cookies = exchange.getRequest().getCookies().get(this.cookieName);
		if (cookies == null || cookies.isEmpty()) {
			return Mono.empty();
		}
		if (cookies.size() > 1) {
			return Mono.error(TokenRejectedException.invalid());
		}
		String value = cookies.get(0).getValue();
		return value.isEmpty() ? Mono.empty() : Mono.just(value);
	}

}
