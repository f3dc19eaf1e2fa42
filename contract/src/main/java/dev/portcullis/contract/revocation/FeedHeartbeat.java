package dev.portcullis.contract.revocation;

/**
 * The feed's sign of life, sent every few seconds when nothing else is.
 *
 * @param lastId the highest event id the auth service holds; a client that has applied it is
 * up to date
 * @param at the auth service's clock, epoch milliseconds
 */
public record FeedHeartbeat(long lastId, long at) {
}
