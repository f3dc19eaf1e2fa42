package dev.portcullis.gateway.ratelimit;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

import dev.portcullis.gateway.client.ClientAddresses;
import dev.portcullis.gateway.security.VerifiedAccess;
import reactor.core.publisher.Mono;

import org.springframework.cloud.gateway.filter.ratelimit.KeyResolver;
import org.springframework.http.HttpCookie;
import org.springframework.web.server.ServerWebExchange;

/**
 * The rate-limit key of a request, from the access check's decision: {@code user:<id>} for
 * the user the access check verified (protected routes), {@code client:<address>} otherwise
 * (public routes and paths). The per-client resolver always keys on the client address. The
 * per-account resolver keys on {@code account:<hash of the e-mail>} that {@link ReadAccountGatewayFilterFactory}
 * read from a sign-in or sign-up body, the per-session resolver on {@code session:<hash of the
 * refresh cookie>}; either falls back to the client address ({@code account:client:<address>},
 * {@code session:client:<address>}) when there is no e-mail or cookie.
 * E-mails and cookie values are hashed (SHA-256, 128 bits kept): neither is written to Redis.
 *
 * <p>The key is never empty: a request whose client address is unknown (not TCP) shares the
 * {@code client:unknown} bucket rather than passing unlimited or being refused by Spring Cloud
 * Gateway's empty-key rule.
 */
final class PortcullisKeyResolver implements KeyResolver {

	static final String USER_PREFIX = "user:";

	static final String CLIENT_PREFIX = "client:";

	static final String ACCOUNT_PREFIX = "account:";

	static final String SESSION_PREFIX = "session:";

	private enum By {

		USER, CLIENT, ACCOUNT, SESSION

	}

	private final By by;

	private final ClientAddresses clients;

	private final String refreshCookie;

	private PortcullisKeyResolver(By by, ClientAddresses clients, String refreshCookie) {
		this.by = by;
		this.clients = clients;
		this.refreshCookie = refreshCookie;
	}

	/** Per user on protected routes, per client address on public ones. */
	static PortcullisKeyResolver perUser(ClientAddresses clients) {
		return new PortcullisKeyResolver(By.USER, clients, null);
	}

	/** Per client address everywhere. */
	static PortcullisKeyResolver perClient(ClientAddresses clients) {
		return new PortcullisKeyResolver(By.CLIENT, clients, null);
	}

	/** Per account named in the body ({@link ReadAccountGatewayFilterFactory}), else per client address. */
	static PortcullisKeyResolver perAccount(ClientAddresses clients) {
		return new PortcullisKeyResolver(By.ACCOUNT, clients, null);
	}

	/** Per refresh token (the cookie sent once), else per client address. */
	static PortcullisKeyResolver perSession(ClientAddresses clients, String refreshCookie) {
		return new PortcullisKeyResolver(By.SESSION, clients, refreshCookie);
	}

	@Override
	public Mono<String> resolve(ServerWebExchange exchange) {
		if (this.by == By.USER) {
			VerifiedAccess access = exchange.getAttribute(VerifiedAccess.ATTRIBUTE);
			if (access != null) {
				return Mono.just(USER_PREFIX + access.userId());
			}
		}
		else if (this.by == By.ACCOUNT) {
			String account = exchange.getAttribute(ReadAccountGatewayFilterFactory.ACCOUNT_ATTRIBUTE);
			if (account != null) {
				return Mono.just(ACCOUNT_PREFIX + hash(account));
			}
		}
		else if (this.by == By.SESSION) {
			List<HttpCookie> cookies = exchange.getRequest().getCookies().get(this.refreshCookie);
			// the cookie sent twice is as ambiguous as none: the auth service refuses it anyway
			if (cookies != null && cookies.size() == 1 && !cookies.get(0).getValue().isEmpty()) {
				return Mono.just(SESSION_PREFIX + hash(cookies.get(0).getValue()));
			}
		}
		String client = CLIENT_PREFIX + Objects.requireNonNullElse(clientAddress(exchange), "unknown");
		// the per-account and per-session fallbacks are buckets of their own: sharing the per-client
		// filter's bucket would take two tokens per request on a route limited by both
		return Mono.just(switch (this.by) {
			case ACCOUNT -> ACCOUNT_PREFIX + client;
			case SESSION -> SESSION_PREFIX + client;
			default -> client;
		});
	}

	/** The client address as the gateway's client-address rules decide it (trusted proxies included). */
	private String clientAddress(ServerWebExchange exchange) {
		InetAddress client = this.clients.of(exchange.getRequest());
		return (client != null) ? client.getHostAddress() : null;
	}

	/** SHA-256, the first 128 bits, base64url: short, fixed-size keys that do not reveal the value. */
	static String hash(String value) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 16));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is part of every Java runtime", ex);
		}
	}

}
