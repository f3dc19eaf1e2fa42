package dev.portcullis.auth.user;

import dev.portcullis.auth.support.EmbeddedAuthServiceTest;

/** The budget statements and the throttle's races on the embedded default, exactly as on PostgreSQL. */
@EmbeddedAuthServiceTest
class EmbeddedAttemptBudgetRepositoryTests extends AttemptBudgetRepositoryTests {

}
