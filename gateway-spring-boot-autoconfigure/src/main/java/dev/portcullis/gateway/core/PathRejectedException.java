package dev.portcullis.gateway.core;

import dev.portcullis.contract.ErrorCodes;
import dev.portcullis.gateway.web.GatewayException;

/** The request path was refused by the {@link PathGuard}. */
public final class PathRejectedException extends GatewayException {

	PathRejectedException() {
		super(ErrorCodes.INVALID_PATH, "The request path has dot segments or encoded separators");
	}

}
