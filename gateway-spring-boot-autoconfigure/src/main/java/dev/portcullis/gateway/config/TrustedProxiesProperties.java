package dev.portcullis.gateway.config;

import java.util.List;

import dev.portcullis.contract.forwarding.TrustedProxies;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The load balancers in front of the gateway, bound from {@code portcullis.gateway.trusted-proxies}
 * (environment {@code PORTCULLIS_GATEWAY_TRUSTED_PROXIES}): the gateway believes their
 * {@code X-Forwarded-For}, and nobody else's. A record of its own beside
 * {@link GatewayProperties} only so that the one setting does not change that record's
 * constructor.
 *
 * @param trustedProxies CIDR blocks (or single addresses) of the proxies that connect to the
 * gateway; empty by default: the TCP peer is the client
 */
@ConfigurationProperties("portcullis.gateway")
public record TrustedProxiesProperties(@DefaultValue List<String> trustedProxies) {

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
			throw new IllegalArgumentException("portcullis.gateway.trusted-proxies lists " + ex.getMessage()
					+ ". List the CIDR blocks of the load balancers that connect to the gateway (or leave it empty"
					+ " when clients connect directly); their X-Forwarded-For is believed, nobody else's", ex);
		}
	}

}
