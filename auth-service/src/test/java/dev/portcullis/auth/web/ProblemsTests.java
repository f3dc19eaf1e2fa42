package dev.portcullis.auth.web;

import dev.portcullis.auth.ErrorCode;
import dev.portcullis.auth.metrics.AuthMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemsTests {

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final Problems problems = new Problems(new AuthMetrics(this.registry));

	@Test
	void metersWhenStartedThenOneErrorCounterPerCodeAtZero() {
		for (ErrorCode code : ErrorCode.values()) {
			assertThat(errors(code)).as(code.value()).isZero();
		}
		assertThat(this.registry.find("portcullis.auth.errors").counters()).hasSize(ErrorCode.values().length);
	}

	@Test
	void unavailableWhenAnsweredThenCountedAsUnavailable() {
		assertThat(this.problems.unavailable().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
		assertThat(errors(ErrorCode.UNAVAILABLE)).isEqualTo(1);
		this.problems.of(HttpStatus.BAD_REQUEST, ErrorCode.INVALID_REQUEST, "bad");
		assertThat(errors(ErrorCode.INVALID_REQUEST)).isEqualTo(1);
		assertThat(errors(ErrorCode.UNAVAILABLE)).isEqualTo(1);
	}

	private double errors(ErrorCode code) {
		return this.registry.get("portcullis.auth.errors").tag("code", code.value()).counter().count();
	}

}
