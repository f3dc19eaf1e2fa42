package dev.portcullis.auth.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;

/**
 * The whole auth service on a random port against the run's PostgreSQL database, with a clock
 * the test can move. Every test class uses the same settings, so they share one context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "portcullis.auth.master-secret=test-master-secret-of-at-least-32-characters",
				"portcullis.feed-secret=" + AuthClient.FEED_SECRET,
				"portcullis.admin-secret=" + AuthClient.ADMIN_SECRET,
				"portcullis.auth.scheduling.enabled=false", "portcullis.auth.refresh-grace=10s",
				"management.server.port=0" })
@AutoConfigureWebTestClient(timeout = "30s") // Argon2 on a loaded 2-core machine can take seconds per call
@Import(TestClockConfiguration.class)
public @interface AuthServiceTest {

}
