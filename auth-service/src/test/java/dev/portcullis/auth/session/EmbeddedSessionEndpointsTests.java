package dev.portcullis.auth.session;

import dev.portcullis.auth.support.EmbeddedAuthServiceTest;

/** Logout, logout-all, session list and password change on the embedded default. */
@EmbeddedAuthServiceTest
class EmbeddedSessionEndpointsTests extends SessionEndpointsTests {

}
