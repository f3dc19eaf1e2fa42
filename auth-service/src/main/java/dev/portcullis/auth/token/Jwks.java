package dev.portcullis.auth.token;

import java.time.Clock;
import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

/** The JWK Set to publish: the public half of every key that signs, will sign, or signed a live token. */
@Component
public class Jwks {

	private final KeyRing keys;

	private final Clock clock;

	Jwks(KeyRing keys, Clock clock) {
		this.keys = keys;
		this.clock = clock;
	}

	public Mono<Map<String, Object>> publicKeys() {
		return this.keys.current().map((keySet) -> keySet.publicJwks(this.clock.instant()).toJSONObject(true));
	}

}
