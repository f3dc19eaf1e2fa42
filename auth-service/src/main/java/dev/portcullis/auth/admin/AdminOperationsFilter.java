package dev.portcullis.auth.admin;

import java.util.Locale;
import java.util.Set;

import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.ErrorCode;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Every state-changing actuator operation (today {@code POST /actuator/signingkeys/{kid}}, and
 * any added later) needs the admin secret ({@link AdminGuard}) before anything else runs.
 *
 * <p>Presented as {@code Authorization: Bearer}, a header no browser adds by itself and a page
 * cannot set on a cross-origin request without a CORS preflight, which this service never
 * grants; a body with a content type a plain HTML form can send is refused as well. So a web
 * page cannot make a visitor's browser withdraw a key, whatever network it sits on.
 *
 * <p>Reads ({@code GET}, {@code HEAD}) stay open to whoever can reach the management port:
 * health, metrics and the keys' public state.
 */
@Component
class AdminOperationsFilter implements WebFilter, Ordered {

	private static final Set<HttpMethod> READS = Set.of(HttpMethod.GET, HttpMethod.HEAD);

	/** What an HTML form or a no-cors fetch may send without a preflight (Fetch, CORS-safelisted). */
	private static final Set<String> FORM_TYPES = Set.of(MediaType.APPLICATION_FORM_URLENCODED_VALUE,
			MediaType.MULTIPART_FORM_DATA_VALUE, MediaType.TEXT_PLAIN_VALUE);

	private final AdminGuard guard;

	private final String basePath;

	AdminOperationsFilter(AdminGuard guard, @Value("${management.endpoints.web.base-path:/actuator}") String basePath) {
		this.guard = guard;
		this.basePath = basePath.endsWith("/") ? basePath.substring(0, basePath.length() - 1) : basePath;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		if (READS.contains(request.getMethod()) || !isActuator(request.getPath().pathWithinApplication().value())) {
			return chain.filter(exchange);
		}
		return Mono.fromRunnable(() -> check(request.getHeaders())).then(Mono.defer(() -> chain.filter(exchange)));
	}

	@Override
	public int getOrder() {
		// before anything that reads the body or routes
		return Ordered.HIGHEST_PRECEDENCE;
	}

	private void check(HttpHeaders headers) {
		this.guard.check(headers.getFirst(HttpHeaders.AUTHORIZATION));
		String type = headers.getFirst(HttpHeaders.CONTENT_TYPE);
		// read by hand: a malformed type is refused by the endpoint, not turned into a 500 here
		if (type != null && FORM_TYPES.contains(type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT))) {
			throw new AuthException(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
					"Admin operations take no form body; send none, or application/json");
		}
	}

	/** Repeated slashes collapsed first, so {@code //actuator/...} is not a way around the check. */
	private boolean isActuator(String path) {
		String collapsed = path.replaceAll("/{2,}", "/");
		return collapsed.equals(this.basePath) || collapsed.startsWith(this.basePath + "/");
	}

}
