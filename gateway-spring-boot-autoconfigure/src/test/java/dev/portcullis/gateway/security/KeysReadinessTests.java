package dev.portcullis.gateway.security;

import java.time.Duration;

import dev.portcullis.gateway.testing.FakeJwksServer;
import dev.portcullis.gateway.testing.FakeRevocationFeed;
import dev.portcullis.gateway.testing.TestKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter keeps an application that sets nothing about readiness out of it until the first
 * signing keys are held, and leaves its readiness alone after that. Spring Boot's own
 * "ready" ({@code ACCEPTING_TRAFFIC}, published when the application has started) is published
 * here as Spring Boot does, on the context.
 */
class KeysReadinessTests {

	private final FakeJwksServer jwks = new FakeJwksServer();

	private ReactiveWebApplicationContextRunner runner() {
		return new ReactiveWebApplicationContextRunner().withUserConfiguration(Application.class)
			.withPropertyValues("portcullis.gateway.jwks-uri=" + this.jwks.uri(),
					"portcullis.gateway.jwks.min-refetch-interval=1s",
					"portcullis.gateway.revocation.feed-uri=http://127.0.0.1:9/internal/revocations",
					"portcullis.feed-secret=" + FakeRevocationFeed.SECRET, "management.health.redis.enabled=false");
	}

	@AfterEach
	void stopJwks() {
		this.jwks.close();
	}

	@Test
	void readyOnlyOnceTheFirstSigningKeysAreHeld() {
		this.jwks.publishRaw("not a JWK Set");
		runner().run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(KeysReadiness.class);
			ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
			AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
			assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);

			this.jwks.publish(TestKeys.rsa("k1"));
			await().atMost(Duration.ofSeconds(15))
				.untilAsserted(() -> assertThat(availability.getReadinessState())
					.isEqualTo(ReadinessState.ACCEPTING_TRAFFIC));
			assertThat(context.getBean(JwksKeyStore.class).current().loaded()).isTrue();
		});
	}

	@Test
	void readyAtOnceWhenTheKeysCameFirst() {
		this.jwks.publish(TestKeys.rsa("k1"));
		runner().run((context) -> {
			JwksKeyStore keys = context.getBean(JwksKeyStore.class);
			await().atMost(Duration.ofSeconds(15)).until(() -> keys.current().loaded());
			AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
			assertThat(context.getBean(ApplicationAvailability.class).getReadinessState())
				.isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
		});
	}

	@Test
	void laterKeyOutagesLeaveTheApplicationsReadinessAlone() {
		this.jwks.publish(TestKeys.rsa("k1"));
		runner().run((context) -> {
			ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
			JwksKeyStore keys = context.getBean(JwksKeyStore.class);
			AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
			await().atMost(Duration.ofSeconds(15))
				.untilAsserted(() -> assertThat(availability.getReadinessState())
					.isEqualTo(ReadinessState.ACCEPTING_TRAFFIC));

			this.jwks.stop();
			keys.fetch().onErrorComplete().block(Duration.ofSeconds(10));
			assertThat(keys.lastFetchFailed()).isTrue();
			assertThat(keys.current().loaded()).as("the keys are held").isTrue();
			AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
			assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
			AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
			assertThat(availability.getReadinessState()).as("the application's own refusal stands")
				.isEqualTo(ReadinessState.REFUSING_TRAFFIC);
		});
	}

	@Test
	void anApplicationsOwnRefusalWhileWaitingIsNotLiftedByTheKeys() {
		this.jwks.publishRaw("not a JWK Set");
		runner().run((context) -> {
			ApplicationAvailability availability = context.getBean(ApplicationAvailability.class);
			AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
			AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);

			this.jwks.publish(TestKeys.rsa("k1"));
			JwksKeyStore keys = context.getBean(JwksKeyStore.class);
			await().atMost(Duration.ofSeconds(15)).until(() -> keys.current().loaded());
			// past the next poll, which would have lifted only a refusal of its own
			Thread.sleep(KeysReadiness.POLL.toMillis() * 3);
			assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
		});
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

	}

}
