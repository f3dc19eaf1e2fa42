package dev.portcullis.gateway.revocation;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * How current the revocations this gateway enforces are: whether the feed is connected, how
 * long it has been silent, how late its newest event arrived, and how many revocations are
 * held. Gauges read at scrape time what the feed client and the list keep anyway.
 */
class RevocationFeedMetrics implements MeterBinder {

	static final String CONNECTED = "portcullis.gateway.revocation.feed.connected";

	static final String SILENCE = "portcullis.gateway.revocation.feed.silence";

	static final String LAG = "portcullis.gateway.revocation.feed.lag";

	static final String HELD = "portcullis.gateway.revocations.held";

	static final String DROPPED = "portcullis.gateway.revocations.dropped";

	static final String REFUSED_BEFORE = "portcullis.gateway.revocations.refused.issued.before";

	private final RevocationFeedClient feed;

	private final RevocationList revocations;

	RevocationFeedMetrics(RevocationFeedClient feed, RevocationList revocations) {
		this.feed = feed;
		this.revocations = revocations;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder(CONNECTED, this.feed, (feed) -> feed.status().connected() ? 1 : 0)
			.description("1 while a revocation feed stream is open, else 0")
			.register(registry);
		Gauge.builder(SILENCE, this.feed, (feed) -> feed.status().sinceLastHeard().toMillis() / 1000.0)
			.description("Seconds since the revocation feed last sent anything (events or heartbeats)")
			.baseUnit("seconds")
			.register(registry);
		Gauge.builder(LAG, this.feed, RevocationFeedClient::newestEventLagSeconds)
			.description("Seconds between the newest revocation applied being made and being applied here")
			.baseUnit("seconds")
			.register(registry);
		Gauge.builder(HELD, this.revocations, RevocationList::size)
			.description("Revocations (sessions, users, keys) held and enforced")
			.register(registry);
		FunctionCounter.builder(DROPPED, this.revocations, RevocationList::dropped)
			.description("Session and user revocations dropped at revocation.max-entries; each raised the issued-before floor")
			.register(registry);
		Gauge.builder(REFUSED_BEFORE, this.revocations, (list) -> list.refusedIssuedBeforeMillis() / 1000.0)
			.description("Tokens issued before this epoch second are refused (to refresh) since entries were dropped; 0: none")
			.baseUnit("seconds")
			.register(registry);
	}

}
