package dev.portcullis.gateway.security;

import java.util.List;

import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;

/**
 * Extracts the access token from its cookie: empty when there is none, an error when the
 * request is ambiguous (the cookie sent twice, as a planted cookie would be). Cookies are read
 * as Reactor Netty's server reads them (strict RFC 6265 decoding, duplicates kept), from the
 * headers alone, so that every path into the gateway reads them the same way.
 */
final class AccessTokenConverter {

	private final String cookieName;

	public AccessTokenConverter(String cookieName) {
		this.cookieName = cookieName;
	}

	String cookieName() {
		return this.cookieName;
	}

	public Mono<String> convert(HttpHeaders headers) {
		try {
			return Mono.justOrEmpty(token(headers));
		}
		catch (TokenRejectedException ex) {
			return Mono.error(ex);
		}
	}

	/**
	 * @return the token, or {@code null} when there is none (or it is empty)
	 * @throws TokenRejectedException when the cookie is sent more than once
	 */
	String token(HttpHeaders headers) {
		List<String> values = headers.get(HttpHeaders.COOKIE);
		if (values == null) {
			return null;
		}
		String found = null;
		boolean seen = false;
		for (String value : values) {
			for (Cookie cookie : ServerCookieDecoder.STRICT.decodeAll(value)) {
				if (this.cookieName.equals(cookie.name())) {
					if (seen) {
						throw TokenRejectedException.invalid();
					}
					seen = true;
					found = cookie.value();
				}
			}
		}
		return (found == null || found.isEmpty()) ? null : found;
	}

}
