package dev.portcullis.testsupport;

import java.util.List;
import java.util.Map;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;
import org.springframework.test.context.TestContextAnnotationUtils;
import org.springframework.util.ClassUtils;

/**
 * Points every Spring test context that can talk R2DBC at the run's database
 * ({@code spring.r2dbc.*} and {@code spring.flyway.*}), so Flyway migrates it on the first
 * context and every test sees the same schema.
 */
public final class TestDatabaseContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public ContextCustomizer createContextCustomizer(Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
		boolean usesR2dbc = ClassUtils.isPresent("io.r2dbc.spi.ConnectionFactory", testClass.getClassLoader());
		return usesR2dbc && !TestContextAnnotationUtils.hasAnnotation(testClass, WithoutTestDatabase.class) ? new Customizer() : null;
	}

	private static final class Customizer implements ContextCustomizer {

		@Override
		public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
			TestDatabase db = TestDatabase.get();
			Map<String, Object> properties = Map.of("spring.r2dbc.url", db.r2dbcUrl(), "spring.r2dbc.username", db.username(),
					"spring.r2dbc.password", db.password(), "spring.flyway.url", db.jdbcUrl(), "spring.flyway.user",
					db.username(), "spring.flyway.password", db.password());
			context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("portcullisTestDatabase", properties));
		}

		@Override
		public boolean equals(Object other) {
			return other instanceof Customizer;
		}

		@Override
		public int hashCode() {
			return Customizer.class.hashCode();
		}

	}

}
