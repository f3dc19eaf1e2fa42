package dev.portcullis.server;

import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Bounds the open connections of one server: a connection past the cap is closed as soon as
 * it is accepted, before anything is read from it, and counted. Closing costs nothing; answering
 * would mean reading a request first. Reactor Netty's own {@code maxConnections} does the same
 * but logs a WARN per refusal and counts nothing.
 */
@Sharable
final class ConnectionCap extends ChannelInboundHandlerAdapter {

	private final int max;

	private final AtomicInteger open;

	private final ConnectionMeter meter;

	/**
	 * @param max most open connections
	 * @param open the count of open connections this cap keeps (also read by the meter's gauge)
	 * @param meter where refusals are counted
	 */
	ConnectionCap(int max, AtomicInteger open, ConnectionMeter meter) {
		this.max = max;
		this.open = open;
		this.meter = meter;
	}

	@Override
	public void channelActive(ChannelHandlerContext ctx) {
		if (this.open.incrementAndGet() > this.max) {
			this.open.decrementAndGet();
			this.meter.refused(ConnectionMeter.Reason.MAX_CONNECTIONS);
			ctx.close();
			return;
		}
		ctx.channel().closeFuture().addListener((closed) -> this.open.decrementAndGet());
		ctx.pipeline().remove(this);
		ctx.fireChannelActive();
	}

}
