package dev.portcullis.auth.proof;

import dev.portcullis.auth.support.EmbeddedAuthServiceTest;

/** Binding, proofs, replays and theft on the embedded default, exactly as on PostgreSQL. */
@EmbeddedAuthServiceTest
class EmbeddedSessionBindingTests extends SessionBindingTests {

}
