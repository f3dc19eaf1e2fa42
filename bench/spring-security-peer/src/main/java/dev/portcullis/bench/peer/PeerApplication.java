package dev.portcullis.bench.peer;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpCookie;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtTypeValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;

/**
 * The benchmark's "what a Spring team writes today" peer: Spring Cloud Gateway with Spring
 * Security's {@code oauth2ResourceServer().jwt()}, the bearer token read from the same cookie
 * Portcullis reads, keys from the same JWK Set, the same issuer, audience and {@code typ}
 * rules. Every request is decoded and its signature verified (Spring Security has no cache of
 * verified tokens). The subject is passed upstream as {@code X-User-Id}, as Portcullis does.
 */
@SpringBootApplication
public class PeerApplication {

	public static void main(String[] args) {
		SpringApplication.run(PeerApplication.class, args);
	}

	@Bean
	SecurityWebFilterChain security(ServerHttpSecurity http, ReactiveJwtDecoder decoder,
			@Value("${peer.cookie:__Host-access_token}") String cookie) {
		return http.csrf(ServerHttpSecurity.CsrfSpec::disable)
			.httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
			.formLogin(ServerHttpSecurity.FormLoginSpec::disable)
			.logout(ServerHttpSecurity.LogoutSpec::disable)
			.requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
			.authorizeExchange((exchanges) -> exchanges.anyExchange().authenticated())
			.oauth2ResourceServer((oauth2) -> oauth2.bearerTokenConverter(cookieBearer(cookie))
				.jwt((jwt) -> jwt.jwtDecoder(decoder)))
			.build();
	}

	/** Replaces {@code ServerBearerTokenAuthenticationConverter}: the token comes from a cookie. */
	static ServerAuthenticationConverter cookieBearer(String cookie) {
		return (exchange) -> {
			List<HttpCookie> cookies = exchange.getRequest().getCookies().get(cookie);
			if (cookies == null || cookies.size() != 1 || cookies.get(0).getValue().isEmpty()) {
				return Mono.empty();
			}
			return Mono.just(new BearerTokenAuthenticationToken(cookies.get(0).getValue()));
		};
	}

	@Bean
	ReactiveJwtDecoder jwtDecoder(@Value("${peer.jwks-uri}") String jwksUri,
			@Value("${peer.issuer:portcullis}") String issuer, @Value("${peer.audience:portcullis}") String audience) {
		NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withJwkSetUri(jwksUri)
			.jwsAlgorithm(SignatureAlgorithm.RS256)
			// typ is checked by JwtTypeValidator below (Nimbus' own check would only accept JWT)
			.validateType(false)
			.build();
		OAuth2TokenValidator<Jwt> audienceValidator = new JwtClaimValidator<List<String>>("aud",
				(aud) -> aud != null && aud.contains(audience));
		// JwtValidators.createDefaultWithIssuer would also require typ JWT: the same checks, typ at+jwt
		decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(new JwtTimestampValidator(),
				new JwtIssuerValidator(issuer), new JwtTypeValidator("at+jwt", "application/at+jwt"), audienceValidator));
		return decoder;
	}

	/** Identity for the upstream, like Portcullis' X-User-Id; client-sent copies are replaced. */
	@Bean
	GlobalFilter userIdHeader() {
		return (exchange, chain) -> ReactiveSecurityContextHolder.getContext()
			.map((context) -> context.getAuthentication())
			.filter(JwtAuthenticationToken.class::isInstance)
			.map((auth) -> ((JwtAuthenticationToken) auth).getToken().getSubject())
			.map((sub) -> exchange.mutate().request((r) -> r.headers((h) -> h.set("X-User-Id", sub))).build())
			.defaultIfEmpty(exchange)
			.flatMap(chain::filter);
	}

}
