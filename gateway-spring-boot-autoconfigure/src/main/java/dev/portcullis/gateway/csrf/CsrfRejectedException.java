package dev.portcullis.gateway.csrf;

import dev.portcullis.contract.ErrorCodes;
import dev.portcullis.gateway.web.GatewayException;

/**
 * A cookie-authenticated request that did not come from an allowed origin: an unsafe method
 * (see {@link CsrfFilter}) or a WebSocket upgrade.
 */
public final class CsrfRejectedException extends GatewayException {

	public CsrfRejectedException() {
		super(ErrorCodes.CSRF_REJECTED, "Cross-site request rejected");
	}

}
