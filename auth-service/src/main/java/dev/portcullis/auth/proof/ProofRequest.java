package dev.portcullis.auth.proof;

import java.net.URI;
import java.util.List;

/**
 * What a proof is checked against, as the web layer read it from the request.
 *
 * @param proofs the values of the request's {@code DPoP} headers (RFC 9449 allows exactly one)
 * @param method the request's method, as {@code htm} must name it
 * @param target the request's URI as the browser addressed it (the public origin behind a
 * trusted gateway), without query, as {@code htu} must name it; null if it cannot be told
 */
public record ProofRequest(List<String> proofs, String method, URI target) {

	public ProofRequest {
		proofs = List.copyOf(proofs);
	}

	boolean carriesProof() {
		return !this.proofs.isEmpty();
	}

}
