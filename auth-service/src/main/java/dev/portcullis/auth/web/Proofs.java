package dev.portcullis.auth.web;

import java.net.URI;
import java.net.URISyntaxException;

import dev.portcullis.auth.proof.ProofRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * A request as a proof of possession is checked against: its {@code DPoP} headers, its method,
 * and its URI as the browser addressed it. Behind a gateway that is the public origin the gateway
 * reports in {@code X-Forwarded-Proto} and {@code X-Forwarded-Host}, which
 * {@link ClientAddressFilter} keeps only from a trusted proxy; without them, the request's own
 * scheme and {@code Host}.
 */
final class Proofs {

	/** RFC 9449, section 4.1. */
	static final String DPOP = "DPoP";

	static final String X_FORWARDED_HOST = "X-Forwarded-Host";

	static final String X_FORWARDED_PROTO = "X-Forwarded-Proto";

	private Proofs() {
	}

	static ProofRequest of(ServerHttpRequest request) {
		return new ProofRequest(request.getHeaders().getOrEmpty(DPOP), request.getMethod().name(), target(request));
	}

	/** The public URI without query; null if the headers do not make one. */
	static URI target(ServerHttpRequest request) {
		HttpHeaders headers = request.getHeaders();
		String scheme = first(headers.getFirst(X_FORWARDED_PROTO));
		String host = first(headers.getFirst(X_FORWARDED_HOST));
		URI addressed = request.getURI();
		if (scheme == null) {
			scheme = addressed.getScheme();
		}
		if (host == null && addressed.getHost() != null) {
			// the request's URI is built from its Host header (with the port, if one was given)
			host = (addressed.getPort() != -1) ? addressed.getHost() + ":" + addressed.getPort() : addressed.getHost();
		}
		if (scheme == null || host == null) {
			return null;
		}
		try {
			URI target = new URI(scheme + "://" + host + request.getURI().getRawPath());
			return (target.getHost() != null) ? target : null;
		}
		catch (URISyntaxException ex) {
			return null;
		}
	}

	/** The first entry of a comma-separated forwarding header: the one the outermost proxy saw. */
	private static String first(String value) {
		if (value == null) {
			return null;
		}
		int comma = value.indexOf(',');
		String entry = ((comma >= 0) ? value.substring(0, comma) : value).trim();
		return entry.isEmpty() ? null : entry;
	}

}
