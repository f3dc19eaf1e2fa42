package dev.portcullis.server;

import java.io.IOException;
import java.time.Duration;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class ThrottledWarningTests {

	@Test
	void warnWhenRepeatedWithinThePeriodThenOneLineWithoutStackTrace() {
		ListAppender<ILoggingEvent> lines = capture("throttled.repeated");
		ThrottledWarning warning = new ThrottledWarning(LoggerFactory.getLogger("throttled.repeated"), Duration.ofMinutes(1));
		for (int i = 0; i < 1000; i++) {
			warning.warn("Upstream call failed", new IOException("Connection refused"));
		}
		assertThat(lines.list).hasSize(1);
		assertThat(lines.list.get(0).getFormattedMessage())
			.isEqualTo("Upstream call failed: java.io.IOException: Connection refused");
		assertThat(lines.list.get(0).getThrowableProxy()).isNull();
	}

	@Test
	void warnWhenThePeriodHasPassedThenLogsAgainWithTheNumberHeldBack() {
		ListAppender<ILoggingEvent> lines = capture("throttled.period");
		ThrottledWarning warning = new ThrottledWarning(LoggerFactory.getLogger("throttled.period"), Duration.ofMillis(200));
		warning.warn("Upstream call failed", new IOException("first"));
		warning.warn("Upstream call failed", new IOException("held"));
		warning.warn("Upstream call failed", new IOException("held"));
		await().pollDelay(Duration.ofMillis(300)).until(() -> true);
		warning.warn("Upstream call failed", new IOException("again"));
		assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
			.containsExactly("Upstream call failed: java.io.IOException: first",
					"Upstream call failed: java.io.IOException: again (2 more like it not logged since the last)");
	}

	private static ListAppender<ILoggingEvent> capture(String name) {
		Logger logger = (Logger) LoggerFactory.getLogger(name);
		ListAppender<ILoggingEvent> appender = new ListAppender<>();
		appender.start();
		logger.addAppender(appender);
		return appender;
	}

}
