package dev.portcullis.gateway.csrf;

import dev.portcullis.contract.ErrorCodes;
import dev.portcullis.gateway.web.GatewayException;

/**
 * An unsafe request that did not come from an allowed origin.
 */
final class CsrfRejectedException extends GatewayException {

	CsrfRejectedException() {
		super(ErrorCodes.CSRF_REJECTED, "Cross-site request rejected");
	}

}
