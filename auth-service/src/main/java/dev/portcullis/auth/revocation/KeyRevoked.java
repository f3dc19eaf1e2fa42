package dev.portcullis.auth.revocation;

/**
 * A {@code key} revocation reached this replica's log (possibly written by another replica):
 * the key ring should re-read its keys now rather than at its next refresh.
 */
public record KeyRevoked(String kid) {
}
