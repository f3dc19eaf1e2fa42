package dev.portcullis.gateway.server;

import java.util.concurrent.atomic.AtomicInteger;

import dev.portcullis.gateway.config.GatewayProperties;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelPipeline;
import reactor.netty.NettyPipeline;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Applies {@link ServerLimits} to the public port: Reactor Netty's own body read timeouts, and
 * for what it has no setting for, a {@link ConnectionCap} and each connection's
 * {@link HeadLimits}. Refusals are counted when the gateway's meters are on.
 */
@Configuration(proxyBeanMethods = false)
class ServerLimitsConfig {

	static final String CAP = "portcullis.connectionCap";

	static final String HEAD_RAW = "portcullis.headLimits";

	static final String HEAD_DECODED = "portcullis.headEnd";

	@Bean
	NettyServerCustomizer serverLimits(ServerLimits limits, GatewayProperties properties,
			ObjectProvider<MeterRegistry> registry) {
		AtomicInteger open = new AtomicInteger();
		ConnectionMeter meter = properties.metrics().enabled() ? ConnectionMeter.on(registry.getObject(), open::get)
				: ConnectionMeter.off();
		return customizer(limits, open, meter);
	}

	static NettyServerCustomizer customizer(ServerLimits limits, AtomicInteger open, ConnectionMeter meter) {
		ConnectionCap cap = new ConnectionCap(limits.maxConnections(), open, meter);
		return (server) -> server.readTimeout(limits.bodyReadTimeout())
			.requestTimeout(limits.bodyTimeout())
			.doOnChannelInit((observer, channel, remoteAddress) -> {
				ChannelPipeline pipeline = channel.pipeline();
				pipeline.addFirst(CAP, cap);
				if (pipeline.get(NettyPipeline.HttpCodec) != null) {
					HeadLimits head = new HeadLimits(limits.headerTimeout(), limits.maxHeaderCount(), meter);
					pipeline.addBefore(NettyPipeline.HttpCodec, HEAD_RAW, head.raw());
					pipeline.addAfter(NettyPipeline.HttpCodec, HEAD_DECODED, head.decoded());
				}
			});
	}

}
