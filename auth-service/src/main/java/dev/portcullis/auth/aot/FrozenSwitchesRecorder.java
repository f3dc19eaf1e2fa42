package dev.portcullis.auth.aot;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import org.springframework.aot.generate.GeneratedFiles;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.env.Environment;

/**
 * At build time ({@code process-aot}): writes the {@link FrozenSwitches} as they were decided
 * into the jar, for {@link FrozenSwitchesGuard} to compare at start-up.
 */
public class FrozenSwitchesRecorder implements BeanFactoryInitializationAotProcessor {

	/** The service's context only: the management server's child context shares its settings. */
	@Override
	public BeanFactoryInitializationAotContribution processAheadOfTime(ConfigurableListableBeanFactory beanFactory) {
		if (beanFactory.getParentBeanFactory() != null) {
			return null;
		}
		byte[] record = bytes(beanFactory.getBean(Environment.class));
		return (generationContext, code) -> generationContext.getGeneratedFiles()
			.handleFile(GeneratedFiles.Kind.RESOURCE, FrozenSwitches.RESOURCE, (file) -> {
				if (!file.exists()) {
					file.create(() -> new ByteArrayInputStream(record));
				}
			});
	}

	private static byte[] bytes(Environment environment) {
		try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
			FrozenSwitches.record(environment).store(out, "Decided at build time by Spring AOT; see FrozenSwitches");
			return out.toByteArray();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
