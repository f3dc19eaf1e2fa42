package dev.portcullis.auth.server;

import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelPipeline;
import reactor.netty.NettyPipeline;

import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Applies {@link ServerLimits} to the public port: Reactor Netty's own body read timeouts, and
 * for what it has no setting for, a {@link ConnectionCap} and each connection's
 * {@link HeadLimits}, with refusals counted.
 *
 * <p>This package is the gateway's {@code dev.portcullis.gateway.server} again, with the auth
 * service's defaults: the two apps share only the contract module, which holds wire facts, not
 * Netty handlers, and four small classes are cheaper to keep in step than a module of their own.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
class ServerLimitsConfig {

	static final String CAP = "portcullis.connectionCap";

	static final String HEAD_RAW = "portcullis.headLimits";

	static final String HEAD_DECODED = "portcullis.headEnd";

	@Bean
	NettyServerCustomizer serverLimits(ServerLimits limits, MeterRegistry registry) {
		AtomicInteger open = new AtomicInteger();
		return customizer(limits, open, ConnectionMeter.on(registry, open::get));
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
