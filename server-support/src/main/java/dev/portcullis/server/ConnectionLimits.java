package dev.portcullis.server;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.ChannelPipeline;
import reactor.netty.NettyPipeline;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;

/**
 * Applies {@link ServerLimits} and an app's body timeouts to its public port: Reactor Netty's
 * own body read timeouts, and for what it has no setting for, a {@link ConnectionCap} and each
 * connection's {@link HeadLimits}. Each app registers the customizer in its own configuration,
 * for the public port only (the management port is a server of its own, left alone).
 */
public final class ConnectionLimits {

	static final String CAP = "portcullis.connectionCap";

	static final String HEAD_RAW = "portcullis.headLimits";

	static final String HEAD_DECODED = "portcullis.headEnd";

	private ConnectionLimits() {
	}

	/**
	 * @param limits the connection limits
	 * @param bodyReadTimeout longest pause between two reads of a request body
	 * @param bodyTimeout longest time to receive a whole request body
	 * @param open the count of open connections the cap keeps (the one the meter's gauge reads)
	 * @param meter where refusals are counted
	 * @return the customizer for the public port's server
	 */
	public static NettyServerCustomizer customizer(ServerLimits limits, Duration bodyReadTimeout, Duration bodyTimeout,
			AtomicInteger open, ConnectionMeter meter) {
		ConnectionCap cap = new ConnectionCap(limits.maxConnections(), open, meter);
		return (server) -> server.readTimeout(bodyReadTimeout)
			.requestTimeout(bodyTimeout)
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
