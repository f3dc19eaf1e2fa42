package dev.portcullis.server;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * One connection's limits on a request head (request line and headers): the head must be
 * complete within a deadline counted from its first byte, and have at most so many lines;
 * otherwise the connection is closed and counted. Nothing else bounds either: Reactor Netty's
 * idle timeout restarts on every byte, and its header size limit counts bytes, while a head of
 * tiny headers costs the parser many times its size in heap.
 *
 * <p>Two handlers share the state: {@link #raw()} sits before the HTTP decoder and sees bytes
 * (where a head starts, how many lines it has, where its empty line ends it); {@link #decoded()}
 * sits after it and sees where a request ends, so the next head on a keep-alive connection gets
 * its own deadline. Once the connection stops speaking HTTP/1.1 (a WebSocket upgrade removes the
 * decoder) both step aside. Everything runs on the connection's event loop.
 */
final class HeadLimits {

	private static final byte CR = '\r';

	private static final byte LF = '\n';

	private enum State {

		/** Between requests: the next non-empty line starts a head. */
		AWAITING,
		/** Reading a head. */
		HEAD,
		/** The head is complete; its body (if any) follows. */
		BODY

	}

	private final long deadlineNanos;

	private final int maxLines;

	private final ConnectionMeter meter;

	private final Raw raw = new Raw();

	private final Decoded decoded = new Decoded();

	private State state = State.AWAITING;

	private ScheduledFuture<?> deadline;

	private int lines;

	private boolean afterLineFeed;

	/**
	 * @param headerTimeout longest time from a head's first byte to its end
	 * @param maxHeaderCount most header lines (the request line is not counted)
	 * @param meter where closed connections are counted
	 */
	HeadLimits(Duration headerTimeout, int maxHeaderCount, ConnectionMeter meter) {
		this.deadlineNanos = headerTimeout.toNanos();
		this.maxLines = maxHeaderCount + 1;
		this.meter = meter;
	}

	/** @return the handler to place before the HTTP decoder */
	ChannelInboundHandlerAdapter raw() {
		return this.raw;
	}

	/** @return the handler to place after the HTTP decoder */
	ChannelInboundHandlerAdapter decoded() {
		return this.decoded;
	}

	private void headComplete() {
		this.state = State.BODY;
		cancelDeadline();
	}

	private void cancelDeadline() {
		if (this.deadline != null) {
			this.deadline.cancel(false);
			this.deadline = null;
		}
	}

	private final class Raw extends ChannelInboundHandlerAdapter {

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			if (HeadLimits.this.state == State.BODY || !(msg instanceof ByteBuf bytes)) {
				ctx.fireChannelRead(msg);
				return;
			}
			if (ctx.pipeline().get(HttpServerCodec.class) == null) {
				stepAside(ctx.pipeline());
				ctx.fireChannelRead(msg);
				return;
			}
			bytes.forEachByte(this::step);
			if (HeadLimits.this.lines > HeadLimits.this.maxLines) {
				bytes.release();
				refuse(ctx, ConnectionMeter.Reason.TOO_MANY_HEADERS);
				return;
			}
			if (HeadLimits.this.state == State.HEAD && HeadLimits.this.deadline == null) {
				HeadLimits.this.deadline = ctx.executor()
					.schedule(() -> expire(ctx), HeadLimits.this.deadlineNanos, TimeUnit.NANOSECONDS);
			}
			ctx.fireChannelRead(msg);
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			cancelDeadline();
			ctx.fireChannelInactive();
		}

		/** One byte of a head; false stops the scan (the head ended, or has too many lines). */
		private boolean step(byte b) {
			HeadLimits limits = HeadLimits.this;
			if (limits.state == State.AWAITING) {
				if (b == CR || b == LF) {
					return true; // empty lines before a request line are allowed (RFC 9112 section 2.2)
				}
				limits.state = State.HEAD;
				limits.lines = 0;
				limits.afterLineFeed = false;
				return true;
			}
			if (b == CR) {
				return true;
			}
			if (b != LF) {
				limits.afterLineFeed = false;
				return true;
			}
			if (limits.afterLineFeed) {
				headComplete();
				return false;
			}
			limits.afterLineFeed = true;
			return ++limits.lines <= limits.maxLines;
		}

		private void expire(ChannelHandlerContext ctx) {
			HeadLimits.this.deadline = null;
			if (ctx.pipeline().get(HttpServerCodec.class) == null) {
				stepAside(ctx.pipeline()); // upgraded to a WebSocket since the deadline was set
				return;
			}
			if (HeadLimits.this.state == State.HEAD && ctx.channel().isActive()) {
				refuse(ctx, ConnectionMeter.Reason.HEADER_TIMEOUT);
			}
		}

		private void refuse(ChannelHandlerContext ctx, ConnectionMeter.Reason reason) {
			cancelDeadline();
			HeadLimits.this.meter.refused(reason);
			ctx.close();
		}

		private void stepAside(ChannelPipeline pipeline) {
			cancelDeadline();
			pipeline.remove(this);
			pipeline.remove(HeadLimits.this.decoded);
		}

	}

	private final class Decoded extends ChannelInboundHandlerAdapter {

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			if (msg instanceof HttpRequest) {
				headComplete();
			}
			if (msg instanceof LastHttpContent) {
				HeadLimits.this.state = State.AWAITING;
			}
			ctx.fireChannelRead(msg);
		}

	}

}
