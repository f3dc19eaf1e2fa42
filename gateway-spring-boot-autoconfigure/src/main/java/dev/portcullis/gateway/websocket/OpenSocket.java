package dev.portcullis.gateway.websocket;

import dev.portcullis.gateway.security.VerifiedAccess;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.web.reactive.socket.CloseStatus;

/**
 * One open socket as {@link OpenSockets} tracks it: the access that opened it, when that
 * access ends, and a one-shot signal that ends the socket. Holds no thread and no timer.
 */
final class OpenSocket {

	private final VerifiedAccess access;

	private final long closeAtMillis;

	private final long serial;

	private final Sinks.One<CloseStatus> ending = Sinks.one();

	OpenSocket(VerifiedAccess access, long closeAtMillis, long serial) {
		this.access = access;
		this.closeAtMillis = closeAtMillis;
		this.serial = serial;
	}

	VerifiedAccess access() {
		return this.access;
	}

	long closeAtMillis() {
		return this.closeAtMillis;
	}

	/** Orders sockets that expire in the same millisecond. */
	long serial() {
		return this.serial;
	}

	/**
	 * Asks for the socket to be ended; the first reason wins, later ones are ignored.
	 * @param status the close status the client is sent
	 */
	void end(CloseStatus status) {
		this.ending.tryEmitValue(status);
	}

	/** The socket ended on its own: nothing is to be enforced any more. */
	void finished() {
		this.ending.tryEmitEmpty();
	}

	/**
	 * The status to end the socket with, once asked for; empty if it finished first.
	 * @return the first reason given to {@link #end}
	 */
	Mono<CloseStatus> ended() {
		return this.ending.asMono();
	}

}
