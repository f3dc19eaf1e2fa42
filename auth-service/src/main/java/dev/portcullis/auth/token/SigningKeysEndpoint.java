package dev.portcullis.auth.token;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/signingkeys} on the management port: every key's state, and
 * {@code POST /actuator/signingkeys/{kid}} to withdraw one at once.
 */
@Component
@Endpoint(id = "signingkeys")
public class SigningKeysEndpoint {

	private final KeyRing keys;

	SigningKeysEndpoint(KeyRing keys) {
		this.keys = keys;
	}

	@ReadOperation
	public Mono<List<KeyRing.KeyView>> keys() {
		return this.keys.states().collectList();
	}

	/** 404 when no such key is live (unknown, or withdrawn already). */
	@WriteOperation
	public Mono<WebEndpointResponse<KeyRing.Withdrawal>> withdraw(@Selector String kid) {
		return this.keys.withdraw(kid)
			.map((withdrawal) -> new WebEndpointResponse<>(withdrawal, WebEndpointResponse.STATUS_OK))
			.defaultIfEmpty(new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND));
	}

}
