package dev.portcullis.contract;

/**
 * The default names and scope of the two auth cookies. The auth service sets them and the
 * gateway reads the access cookie and strips both before a request goes upstream, so both apps
 * take their defaults from here; a deployment that renames them sets both apps' properties.
 */
public final class AuthCookies {

	/** The access token; {@code __Host-} pins it to the gateway's origin, Path=/ and Secure. */
	public static final String ACCESS = "__Host-access_token";

	/** The refresh token, sent by the browser only to {@link #REFRESH_PATH}. */
	public static final String REFRESH = "__Secure-refresh_token";

	/** The only path the browser sends the refresh cookie to. */
	public static final String REFRESH_PATH = "/auth";

	private AuthCookies() {
	}

}
