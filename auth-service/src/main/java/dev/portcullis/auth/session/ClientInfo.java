package dev.portcullis.auth.session;

/** Where a session was started from, as shown in the session list. */
public record ClientInfo(String userAgent, String ip) {

	static final int MAX_USER_AGENT = 512;

	public ClientInfo {
		if (userAgent != null && userAgent.length() > MAX_USER_AGENT) {
			userAgent = userAgent.substring(0, MAX_USER_AGENT);
		}
		if (ip != null && ip.length() > 64) {
			ip = ip.substring(0, 64);
		}
	}

}
