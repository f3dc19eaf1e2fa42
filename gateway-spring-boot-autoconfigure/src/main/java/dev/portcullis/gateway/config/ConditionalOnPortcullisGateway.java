package dev.portcullis.gateway.config;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;

/**
 * The conditions every Portcullis auto-configuration shares: a reactive web application with
 * Spring Cloud Gateway (server-webflux) on the class path and switched on
 * ({@code spring.cloud.gateway.server.webflux.enabled}, as Spring Cloud Gateway reads it), and
 * Portcullis not switched off as a whole ({@code portcullis.gateway.enabled=false}).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
@Documented
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass(name = ConditionalOnPortcullisGateway.GLOBAL_FILTER)
@ConditionalOnProperty(name = { ConditionalOnPortcullisGateway.ENABLED, ConditionalOnPortcullisGateway.GATEWAY_ENABLED },
		havingValue = "true", matchIfMissing = true)
public @interface ConditionalOnPortcullisGateway {

	/** Off, no Portcullis bean is registered at all: the application is left as if without the starter. */
	String ENABLED = "portcullis.gateway.enabled";

	/** Spring Cloud Gateway's own switch: without its routes there is nothing to check. */
	String GATEWAY_ENABLED = "spring.cloud.gateway.server.webflux.enabled";

	/** The type that says Spring Cloud Gateway (server-webflux) is present. */
	String GLOBAL_FILTER = "org.springframework.cloud.gateway.filter.GlobalFilter";

}
