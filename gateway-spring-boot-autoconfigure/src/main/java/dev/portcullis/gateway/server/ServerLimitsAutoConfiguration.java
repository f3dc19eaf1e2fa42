package dev.portcullis.gateway.server;

import java.util.concurrent.atomic.AtomicInteger;

import dev.portcullis.gateway.config.ConditionalOnPortcullisGateway;
import dev.portcullis.gateway.config.GatewayProperties;
import dev.portcullis.server.ConnectionLimits;
import dev.portcullis.server.ConnectionMeter;
import dev.portcullis.server.ServerLimits;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;

/**
 * Applies the shared {@link ServerLimits} and the gateway's {@link BodyTimeouts} to the public
 * port ({@link ConnectionLimits}). Refusals are counted when the gateway's meters are on. Off
 * with {@code portcullis.gateway.server-limits.enabled=false}, for an application that bounds
 * its server itself.
 */
@AutoConfiguration
@ConditionalOnPortcullisGateway
@ConditionalOnClass(NettyServerCustomizer.class)
@ConditionalOnBooleanProperty(name = "portcullis.gateway.server-limits.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ ServerLimits.class, BodyTimeouts.class, GatewayProperties.class })
public class ServerLimitsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "serverLimits")
	NettyServerCustomizer serverLimits(ServerLimits limits, BodyTimeouts body, GatewayProperties properties,
			ObjectProvider<MeterRegistry> registry) {
		AtomicInteger open = new AtomicInteger();
		ConnectionMeter meter = properties.metrics().enabled() ? ConnectionMeter.on(registry.getObject(), open::get)
				: ConnectionMeter.off();
		return ConnectionLimits.customizer(limits, body.bodyReadTimeout(), body.bodyTimeout(), open, meter);
	}

}
