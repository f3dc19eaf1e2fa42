// Writes a JWK Set and a matching access token (valid 3 h) for the wrk measurements.
import java.nio.file.*;
import java.util.*;
import com.nimbusds.jose.*;
import com.nimbusds.jose.crypto.*;
import com.nimbusds.jose.jwk.*;
import com.nimbusds.jose.jwk.gen.*;
import com.nimbusds.jwt.*;

public class GenToken {
	public static void main(String[] args) throws Exception {
		RSAKey key = new RSAKeyGenerator(2048).keyID("bench").algorithm(JWSAlgorithm.RS256).keyUse(KeyUse.SIGNATURE).generate();
		Files.writeString(Path.of(args[0], "www/.well-known/jwks.json"), new JWKSet(key.toPublicJWK()).toString());
		Date now = new Date();
		JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer("portcullis").audience("portcullis")
			.subject(UUID.randomUUID().toString()).claim("sid", UUID.randomUUID().toString())
			.jwtID(UUID.randomUUID().toString()).issueTime(now).notBeforeTime(now)
			.expirationTime(new Date(now.getTime() + 3 * 3600_000L)).claim("roles", List.of("user")).build();
		SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("bench").type(new JOSEObjectType("at+jwt")).build(), claims);
		jwt.sign(new RSASSASigner(key));
		Files.writeString(Path.of(args[0], "token.txt"), jwt.serialize());
	}
}
