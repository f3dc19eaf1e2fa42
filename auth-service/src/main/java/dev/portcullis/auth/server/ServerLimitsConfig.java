package dev.portcullis.auth.server;

import java.util.concurrent.atomic.AtomicInteger;

import dev.portcullis.server.ConnectionLimits;
import dev.portcullis.server.ConnectionMeter;
import dev.portcullis.server.ServerLimits;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Applies the shared {@link ServerLimits} and the auth service's {@link BodyTimeouts} to the
 * public port ({@link ConnectionLimits}), with refusals counted.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ServerLimits.class)
class ServerLimitsConfig {

	@Bean
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	NettyServerCustomizer serverLimits(ServerLimits limits, BodyTimeouts body, MeterRegistry registry) {
		AtomicInteger open = new AtomicInteger();
		return ConnectionLimits.customizer(limits, body.bodyReadTimeout(), body.bodyTimeout(), open,
				ConnectionMeter.on(registry, open::get));
	}

}
