package dev.portcullis.auth.web;

import java.time.Duration;
import java.util.Map;

import dev.portcullis.auth.token.Jwks;
import reactor.core.publisher.Mono;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The public signing keys (RFC 7517 JWK Set), cacheable for a few minutes. */
@RestController
class JwksController {

	static final Duration MAX_AGE = Duration.ofMinutes(5);

	private final Jwks jwks;

	JwksController(Jwks jwks) {
		this.jwks = jwks;
	}

	@GetMapping(path = "/.well-known/jwks.json", produces = { "application/jwk-set+json", MediaType.APPLICATION_JSON_VALUE })
	Mono<ResponseEntity<Map<String, Object>>> jwks() {
		return this.jwks.publicKeys()
			.map((set) -> ResponseEntity.ok().cacheControl(CacheControl.maxAge(MAX_AGE).cachePublic()).body(set));
	}

}
