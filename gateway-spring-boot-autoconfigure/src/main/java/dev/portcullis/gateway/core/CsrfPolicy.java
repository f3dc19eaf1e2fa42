package dev.portcullis.gateway.core;

import java.util.List;
import java.util.Set;

import dev.portcullis.gateway.csrf.CsrfRejectedException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

/**
 * Cross-site request forgery checks for cookie-authenticated requests.
 *
 * <ul>
 * <li>An unsafe method (POST, PUT, PATCH, DELETE) passes only when the browser's
 * {@code Sec-Fetch-Site} says same-origin (or another accepted value) or when {@code Origin} is
 * on the allowlist. A request carrying neither is refused, so non-browser clients must send
 * {@code Origin}. Safe methods pass untouched.
 * <li>A WebSocket upgrade to a protected route passes only when its {@code Origin} is on the
 * allowlist (cross-site WebSocket hijacking, RFC 6455 section 10.2): a browser sends the
 * (SameSite=Lax) access cookie with an upgrade that a page on another site starts, and the
 * same-origin policy does not apply to WebSockets. Public routes are not checked: a socket there
 * carries no identity.
 * </ul>
 */
public final class CsrfPolicy {

	private final Set<String> allowedOrigins;

	private final Set<String> allowedFetchSites;

	/**
	 * @param allowedOrigins the origins allowed to send unsafe requests and upgrades
	 * @param allowedFetchSites the {@code Sec-Fetch-Site} values that pass an unsafe request
	 */
	public CsrfPolicy(List<String> allowedOrigins, Set<String> allowedFetchSites) {
		this.allowedOrigins = Set.copyOf(allowedOrigins);
		this.allowedFetchSites = Set.copyOf(allowedFetchSites);
	}

	/**
	 * @return the refusal of a forged unsafe request, or {@code null} when it passes
	 */
	public CsrfRejectedException checkUnsafe(HttpMethod method, HttpHeaders headers) {
		if (!isUnsafe(method) || isFromAllowedSite(headers)) {
			return null;
		}
		return new CsrfRejectedException();
	}

	/**
	 * @param isPublic whether the request's route (or path) is public
	 * @return the refusal of a cross-site WebSocket upgrade, or {@code null} when it passes (or is
	 * no upgrade)
	 */
	public CsrfRejectedException checkUpgrade(HttpHeaders headers, boolean isPublic) {
		if (!isUpgrade(headers) || isPublic || isAllowedOrigin(headers.getFirst(HttpHeaders.ORIGIN))) {
			return null;
		}
		return new CsrfRejectedException();
	}

	public static boolean isUpgrade(HttpHeaders headers) {
		return "websocket".equalsIgnoreCase(headers.getFirst(HttpHeaders.UPGRADE));
	}

	private static boolean isUnsafe(HttpMethod method) {
		return HttpMethod.POST.equals(method) || HttpMethod.PUT.equals(method) || HttpMethod.PATCH.equals(method)
				|| HttpMethod.DELETE.equals(method);
	}

	private boolean isFromAllowedSite(HttpHeaders headers) {
		String fetchSite = headers.getFirst("Sec-Fetch-Site");
		if (fetchSite != null && this.allowedFetchSites.contains(fetchSite)) {
			return true;
		}
		return isAllowedOrigin(headers.getFirst(HttpHeaders.ORIGIN));
	}

	private boolean isAllowedOrigin(String origin) {
		return origin != null && this.allowedOrigins.contains(origin);
	}

}
