package dev.portcullis.server;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.IntSupplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the connections the limits closed, {@value #REFUSED}, by {@code reason}, and shows the
 * open ones, {@value #OPEN}. A refusal is one DEBUG line at most: a flood must not become a log
 * flood.
 */
public final class ConnectionMeter {

	/** The counter of closed connections, tagged {@code reason}. */
	public static final String REFUSED = "portcullis.connections.refused";

	/** The gauge of open connections. */
	public static final String OPEN = "portcullis.connections.open";

	private static final Logger logger = LoggerFactory.getLogger(ConnectionMeter.class);

	/** Why a connection was closed; the tag values. */
	enum Reason {

		MAX_CONNECTIONS("max_connections"), HEADER_TIMEOUT("header_timeout"), TOO_MANY_HEADERS("too_many_headers");

		private final String tag;

		Reason(String tag) {
			this.tag = tag;
		}

		String tag() {
			return this.tag;
		}

	}

	private final Map<Reason, Counter> counters = new EnumMap<>(Reason.class);

	private ConnectionMeter() {
	}

	/**
	 * Counts into {@code registry}.
	 * @param registry where the meters live
	 * @param open the number of open connections, read when the gauge is
	 * @return a meter with every reason registered
	 */
	public static ConnectionMeter on(MeterRegistry registry, IntSupplier open) {
		ConnectionMeter meter = new ConnectionMeter();
		for (Reason reason : Reason.values()) {
			meter.counters.put(reason, Counter.builder(REFUSED)
				.description("Connections closed by a connection limit")
				.tag("reason", reason.tag())
				.register(registry));
		}
		Gauge.builder(OPEN, open::getAsInt).description("Open connections on the public port").register(registry);
		return meter;
	}

	/** @return a meter that counts nothing */
	public static ConnectionMeter off() {
		return new ConnectionMeter();
	}

	void refused(Reason reason) {
		Counter counter = this.counters.get(reason);
		if (counter != null) {
			counter.increment();
		}
		logger.debug("Connection closed: {}", reason.tag());
	}

}
