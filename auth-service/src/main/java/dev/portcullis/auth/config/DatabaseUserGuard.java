package dev.portcullis.auth.config;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Refuses to start on a server database without a configured user. Left empty, the JDBC driver
 * that runs the migrations would log in as the operating-system user and a default could only
 * have been a superuser: the user is a deliberate choice, checked before anything connects. The
 * embedded (H2) profile sets its own.
 */
@Component
class DatabaseUserGuard implements BeanFactoryPostProcessor, EnvironmentAware {

	static final String MESSAGE = "The database user is not configured: set PORTCULLIS_DB_USER (spring.r2dbc.username) "
			+ "to a role that owns the Portcullis schema, and PORTCULLIS_DB_PASSWORD unless the server trusts the connection";

	private Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		String url = this.environment.getProperty("spring.r2dbc.url", "");
		if (url.startsWith("r2dbc:h2:")) {
			return;
		}
		if (!StringUtils.hasText(this.environment.getProperty("spring.r2dbc.username")) && !hasUserInfo(url)) {
			throw new IllegalStateException(MESSAGE);
		}
	}

	/** {@code r2dbc:postgresql://user:password@host/db} names its user itself. */
	private static boolean hasUserInfo(String url) {
		int start = url.indexOf("://");
		if (start < 0) {
			return false;
		}
		int end = url.indexOf('/', start + 3);
		String authority = url.substring(start + 3, (end < 0) ? url.length() : end);
		return authority.indexOf('@') > 0;
	}

}
