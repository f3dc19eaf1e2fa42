package dev.portcullis.gateway.metrics;

import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.cloud.gateway.route.Route;

import static org.assertj.core.api.Assertions.assertThat;

class DecisionMeterTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private static Route route(String id) {
		return Route.async().id(id).uri("http://upstream").predicate((exchange) -> true).build();
	}

	private double count(String outcome, String route) {
		return this.registry.get(DecisionMeter.NAME).tags("outcome", outcome, "route", route).counter().count();
	}

	@Test
	void onWhenCreatedThenEveryOutcomeOfEveryRouteAndNoneRegisteredAtZero() {
		DecisionMeter.on(this.registry, List.of("api", "auth"));
		assertThat(this.registry.get(DecisionMeter.NAME).counters()).hasSize(3 * Decision.values().length)
			.allSatisfy((counter) -> assertThat(counter.count()).isZero());
		assertThat(this.registry.get(DecisionMeter.NAME).counters())
			.extracting((counter) -> counter.getId().getTag("outcome"))
			.containsOnly("allowed", "public", "token_missing", "token_expired", "token_invalid", "session_revoked",
					"key_withdrawn", "csrf_rejected", "keys_unavailable", "invalid_path", "too_many_sockets", "sockets_exhausted",
					"rate_limited", "rate_limiter_unavailable");
	}

	@Test
	void rejectedWhenCodeThenItsOutcomeCountedOnItsRoute() {
		DecisionMeter meter = DecisionMeter.on(this.registry, List.of("api"));
		meter.rejected(route("api"), "token_expired");
		meter.rejected(null, "invalid_path");
		meter.rejected(route("api"), "unavailable");
		assertThat(count("token_expired", "api")).isEqualTo(1);
		assertThat(count("invalid_path", DecisionMeter.NO_ROUTE)).isEqualTo(1);
		assertThat(count("keys_unavailable", "api")).isEqualTo(1);
		assertThat(this.registry.get(DecisionMeter.NAME).counters().stream().mapToDouble(Counter::count).sum())
			.isEqualTo(3);
	}

	@Test
	void rejectedWhenCodeIsNoDecisionThenNothingCounted() {
		DecisionMeter meter = DecisionMeter.on(this.registry, List.of("api"));
		meter.rejected(route("api"), "bad_gateway");
		meter.rejected(route("api"), "gateway_timeout");
		assertThat(this.registry.get(DecisionMeter.NAME).counters()).allSatisfy((counter) -> assertThat(counter.count()).isZero());
	}

	@Test
	void recordWhenRouteAddedAfterStartThenRegisteredOnFirstUse() {
		DecisionMeter meter = DecisionMeter.on(this.registry, List.of("api"));
		meter.record(route("later"), Decision.ALLOWED);
		meter.record(route("later"), Decision.ALLOWED);
		assertThat(count("allowed", "later")).isEqualTo(2);
		assertThat(this.registry.find(DecisionMeter.NAME).tag("route", "later").counters()).hasSize(Decision.values().length);
	}

	@Test
	void offWhenRecordingThenNoMeterAtAll() {
		DecisionMeter meter = DecisionMeter.off();
		meter.record(route("api"), Decision.ALLOWED);
		meter.rejected(null, "token_missing");
		assertThat(this.registry.getMeters()).isEmpty();
	}

}
