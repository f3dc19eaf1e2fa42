package dev.portcullis.auth.config;

import java.util.List;

import dev.portcullis.contract.forwarding.TrustedProxies;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Whose {@code X-Forwarded-For} the auth service believes, bound from
 * {@code portcullis.auth.trusted-proxies} (environment {@code PORTCULLIS_AUTH_TRUSTED_PROXIES}).
 * A record of its own beside {@link AuthProperties} only so that the one setting does not
 * change that record's constructor.
 *
 * @param trustedProxies CIDR blocks (or single addresses) of the gateways in front of the auth
 * service; by default loopback only, where {@code ./quickstart} runs the gateway. Empty: the TCP
 * peer is always the client.
 */
@ConfigurationProperties("portcullis.auth")
public record TrustedProxiesProperties(@DefaultValue({ "127.0.0.0/8", "::1" }) List<String> trustedProxies) {

	public TrustedProxiesProperties {
		trustedProxies = List.copyOf(trustedProxies);
		proxies(trustedProxies);
	}

	/** The parsed blocks. */
	public TrustedProxies proxies() {
		return proxies(this.trustedProxies);
	}

	private static TrustedProxies proxies(List<String> cidrs) {
		try {
			return TrustedProxies.of(cidrs);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("portcullis.auth.trusted-proxies lists " + ex.getMessage()
					+ ". List the CIDR blocks of the gateways that call the auth service (default 127.0.0.0/8,::1);"
					+ " their X-Forwarded-For is believed, nobody else's", ex);
		}
	}

}
