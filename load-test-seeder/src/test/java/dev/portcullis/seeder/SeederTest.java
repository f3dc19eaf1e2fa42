package dev.portcullis.seeder;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.portcullis.auth.AuthServiceApplication;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;

/**
 * The whole auth service on a random port against the run's PostgreSQL database, with the
 * seeder's beans beside it: what the seeder writes is checked by the service's own API. Every
 * test class uses the same settings, so they share one context.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(classes = { AuthServiceApplication.class, Seeding.class },
		webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "portcullis.auth.master-secret=" + SeederTest.MASTER_SECRET,
				"portcullis.feed-secret=test-feed-secret-of-at-least-32-characters",
				"portcullis.auth.scheduling.enabled=false", "management.server.port=0" })
@AutoConfigureWebTestClient(timeout = "30s") // Argon2 on a loaded 2-core machine can take seconds per call
@interface SeederTest {

	String MASTER_SECRET = "test-master-secret-of-at-least-32-characters";

}
