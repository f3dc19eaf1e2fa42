package dev.portcullis.auth.aot;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

import org.apache.commons.logging.Log;

import org.springframework.aot.AotDetector;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Asked to start from the jar's Spring AOT code ({@code -Dspring.aot.enabled=true}), decides
 * before any bean exists whether it may: only when every {@link FrozenSwitches} setting is as the
 * build decided. Otherwise the service starts without the AOT code (what Spring does without the
 * flag: the run's settings decide, start-up takes longer) and says which settings made it so; a
 * jar built without the AOT code stops start-up. Without the flag it does nothing.
 */
public class FrozenSwitchesGuard implements EnvironmentPostProcessor, Ordered {

	private final Log log;

	public FrozenSwitchesGuard(DeferredLogFactory logs) {
		this.log = logs.getLog(FrozenSwitchesGuard.class);
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!AotDetector.useGeneratedArtifacts()) {
			return;
		}
		String changes = changes(environment, built(application.getClassLoader()));
		if (changes != null) {
			// read by Spring when it creates the context, after this: the context is built from the settings
			System.setProperty(AotDetector.AOT_ENABLED, "false");
			this.log.warn("Starting without the jar's Spring AOT code, which fixed at build time which beans exist: "
					+ changes + ". The service obeys these settings; only its start-up is slower. Build the jar "
					+ "(process-aot) with them to start from the AOT code again.");
		}
	}

	/** What differs from the build's decisions, or null when the AOT code may be used. */
	static String changes(ConfigurableEnvironment environment, Properties built) {
		return FrozenSwitches.changes(built, FrozenSwitches.of(environment));
	}

	private static Properties built(ClassLoader classLoader) {
		try (InputStream in = classLoader.getResourceAsStream(FrozenSwitches.RESOURCE)) {
			if (in == null) {
				throw new IllegalStateException("spring.aot.enabled=true, but the jar holds no " + FrozenSwitches.RESOURCE
						+ ": it was built without process-aot. Start it without -Dspring.aot.enabled=true.");
			}
			Properties built = new Properties();
			built.load(in);
			return built;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** After the tracing switch has published its decision. */
	@Override
	public int getOrder() {
		return ConfigDataEnvironmentPostProcessor.ORDER + 2;
	}

}
