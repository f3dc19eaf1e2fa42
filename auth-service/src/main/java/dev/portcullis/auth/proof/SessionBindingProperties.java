package dev.portcullis.auth.proof;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Whether sessions are bound to a key the browser holds, bound from
 * {@code portcullis.auth.session-binding} and {@code portcullis.auth.proof-window}. A record of
 * its own beside {@code AuthProperties}, so that these settings do not change that record.
 *
 * @param sessionBinding {@code off}: proofs are ignored and no session is bound; {@code optional}
 * (the default): a login that carries a {@code DPoP} proof binds its session, one without starts
 * an unbound session that refreshes as before; {@code required}: a login without a proof is
 * refused ({@code proof_required}), and so is a refresh of a session that is not bound
 * @param proofWindow how far a proof's {@code iat} may lie from the server's clock, either way;
 * between 5s and 10m
 */
@ConfigurationProperties("portcullis.auth")
public record SessionBindingProperties(@DefaultValue("optional") Mode sessionBinding,
		@DefaultValue("60s") Duration proofWindow) {

	public SessionBindingProperties {
		if (sessionBinding == null) {
			throw new IllegalArgumentException(
					"portcullis.auth.session-binding must be one of off, optional, required (default optional)");
		}
		if (proofWindow == null || proofWindow.compareTo(Duration.ofSeconds(5)) < 0
				|| proofWindow.compareTo(Duration.ofMinutes(10)) > 0) {
			throw new IllegalArgumentException("portcullis.auth.proof-window must be between 5s and 10m, was " + proofWindow
					+ "; it is how far a DPoP proof's iat may be from this server's clock (default 60s)");
		}
	}

	/** The three values of {@code portcullis.auth.session-binding}. */
	public enum Mode {

		OFF, OPTIONAL, REQUIRED

	}

}
