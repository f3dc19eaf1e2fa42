package dev.portcullis.auth.session;

import dev.portcullis.auth.support.EmbeddedAuthServiceTest;

/** The batched purge statements on the embedded default, exactly as on PostgreSQL. */
@EmbeddedAuthServiceTest
class EmbeddedSessionRepositoryTests extends SessionRepositoryTests {

	/** H2 has no data-modifying CTEs: rotation stays the statements of one transaction. */
	@Override
	boolean oneStatementRotation() {
		return false;
	}

}
