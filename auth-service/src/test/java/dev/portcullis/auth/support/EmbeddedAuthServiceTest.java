package dev.portcullis.auth.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.portcullis.testsupport.WithoutTestDatabase;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;

/**
 * The auth service on the embedded default (H2 in PostgreSQL mode, the {@code embedded} profile),
 * in memory, so the session-store tests prove both stores behave alike.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.profiles.active=embedded",
				"spring.r2dbc.url=r2dbc:h2:mem:///portcullis-test;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;LOCK_TIMEOUT=10000;DB_CLOSE_DELAY=-1",
				"spring.flyway.url=jdbc:h2:mem:portcullis-test;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;LOCK_TIMEOUT=10000;DB_CLOSE_DELAY=-1",
				"portcullis.auth.master-secret=test-master-secret-of-at-least-32-characters",
				"portcullis.feed-secret=" + AuthClient.FEED_SECRET,
				"portcullis.auth.scheduling.enabled=false", "portcullis.auth.refresh-grace=10s",
				"management.server.port=0" })
@AutoConfigureWebTestClient(timeout = "30s") // Argon2 on a loaded 2-core machine can take seconds per call
@Import(TestClockConfiguration.class)
@WithoutTestDatabase
public @interface EmbeddedAuthServiceTest {

}
