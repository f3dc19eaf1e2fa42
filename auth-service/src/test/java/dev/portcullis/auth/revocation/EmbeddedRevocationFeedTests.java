package dev.portcullis.auth.revocation;

import dev.portcullis.auth.support.EmbeddedAuthServiceTest;

/** The same feed on the embedded default, where events reach the log by polling alone. */
@EmbeddedAuthServiceTest
class EmbeddedRevocationFeedTests extends RevocationFeedTests {

}
