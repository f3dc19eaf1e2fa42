package dev.portcullis.gateway.security;

import dev.portcullis.contract.ErrorCodes;
import dev.portcullis.gateway.web.GatewayException;

/**
 * The token could not be checked because the signing keys could not be loaded: an
 * infrastructure failure, so that nobody "fixes" it by logging in again.
 */
final class KeysUnavailableException extends GatewayException {

	KeysUnavailableException() {
		super(ErrorCodes.UNAVAILABLE, "The signing keys are not available, try again later");
	}

}
