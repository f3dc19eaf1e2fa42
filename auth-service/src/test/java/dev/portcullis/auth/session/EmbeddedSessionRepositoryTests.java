package dev.portcullis.auth.session;

import dev.portcullis.auth.support.EmbeddedAuthServiceTest;

/** The batched purge statements on the embedded default, exactly as on PostgreSQL. */
@EmbeddedAuthServiceTest
class EmbeddedSessionRepositoryTests extends SessionRepositoryTests {

}
