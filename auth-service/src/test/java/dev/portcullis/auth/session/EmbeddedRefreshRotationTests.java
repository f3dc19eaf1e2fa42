package dev.portcullis.auth.session;

import dev.portcullis.auth.support.EmbeddedAuthServiceTest;

/** Rotation, grace window, theft detection and expiry on the embedded default, exactly as on PostgreSQL. */
@EmbeddedAuthServiceTest
class EmbeddedRefreshRotationTests extends RefreshRotationTests {

	@Override
	String expectedDatabase() {
		return "H2";
	}

}
