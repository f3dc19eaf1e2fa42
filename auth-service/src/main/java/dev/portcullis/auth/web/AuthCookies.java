package dev.portcullis.auth.web;

import java.time.Duration;
import java.time.Instant;

import dev.portcullis.auth.config.AuthProperties;
import dev.portcullis.auth.session.IssuedSession;

import org.springframework.http.HttpCookie;
import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.util.MultiValueMap;

/**
 * The one place auth cookies are written, read and cleared, every attribute explicit. A cookie is
 * cleared with the same name, path and attributes it was set with, and {@code Max-Age=0}.
 */
@Component
class AuthCookies {

	private final AuthProperties.Cookies settings;

	AuthCookies(AuthProperties properties) {
		this.settings = properties.cookies();
	}

	void write(ServerHttpResponse response, IssuedSession issued, Instant now) {
		response.addCookie(access(issued.accessToken().value(), Duration.between(now, issued.accessToken().expiresAt())));
		response.addCookie(refresh(issued.refreshToken(), Duration.between(now, issued.sessionExpiresAt())));
	}

	void clear(ServerHttpResponse response) {
		response.addCookie(access("", Duration.ZERO));
		response.addCookie(refresh("", Duration.ZERO));
	}

	/** The single access token sent, empty for none; two cookies of that name are not one token. */
	String accessToken(MultiValueMap<String, HttpCookie> cookies) {
		return single(cookies, this.settings.accessName());
	}

	String refreshToken(MultiValueMap<String, HttpCookie> cookies) {
		return single(cookies, this.settings.refreshName());
	}

	private static String single(MultiValueMap<String, HttpCookie> cookies, String name) {
		var values = cookies.get(name);
		if (values == null || values.isEmpty()) {
			return null;
		}
		return (values.size() == 1) ? values.get(0).getValue() : DUPLICATE;
	}

	/** Stands for "more than one cookie of that name": never a valid token. */
	static final String DUPLICATE = "\u0000duplicate";

	private ResponseCookie access(String value, Duration maxAge) {
		return base(this.settings.accessName(), value, maxAge).path("/").sameSite(this.settings.accessSameSite()).build();
	}

	private ResponseCookie refresh(String value, Duration maxAge) {
		return base(this.settings.refreshName(), value, maxAge).path(this.settings.refreshPath())
			.sameSite(this.settings.refreshSameSite())
			.build();
	}

	private ResponseCookie.ResponseCookieBuilder base(String name, String value, Duration maxAge) {
		return ResponseCookie.from(name, value)
			.httpOnly(true)
			.secure(this.settings.secure())
			.domain(this.settings.domain())
			.maxAge(maxAge.isNegative() ? Duration.ZERO : maxAge);
	}

}
