package dev.portcullis.auth.tracing;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.portcullis.auth.support.AuthClient;
import dev.portcullis.auth.support.TestClockConfiguration;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.context.annotation.Import;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With tracing on, a request the gateway forwards with a {@code traceparent} is handled inside
 * the gateway's trace: the auth service's server span is a child of the gateway's span.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "portcullis.auth.master-secret=test-master-secret-of-at-least-32-characters",
				"portcullis.feed-secret=" + AuthClient.FEED_SECRET, "portcullis.auth.scheduling.enabled=false",
				"management.server.port=0", "portcullis.tracing.enabled=true", "PORTCULLIS_TRACING_SAMPLING=1.0",
				"management.opentelemetry.tracing.export.schedule-delay=50ms" })
@AutoConfigureWebTestClient(timeout = "30s")
@Import({ TestClockConfiguration.class, TracingIntegrationTests.Spans.class })
@ExtendWith(OutputCaptureExtension.class)
class TracingIntegrationTests {

	static final String GATEWAY_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

	static final String GATEWAY_SPAN = "00f067aa0ba902b7";

	@Autowired
	WebTestClient client;

	@Autowired
	Spans spans;

	@Test
	void requestWhenTraceparentFromGatewayThenServerSpanJoinsThatTrace() {
		this.client.get()
			.uri("/.well-known/jwks.json")
			.header("traceparent", "00-" + GATEWAY_TRACE + "-" + GATEWAY_SPAN + "-01")
			.exchange()
			.expectStatus()
			.isOk();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.spans.exported)
				.filteredOn((span) -> span.getKind() == SpanKind.SERVER)
				.anySatisfy((span) -> {
					assertThat(span.getTraceId()).isEqualTo(GATEWAY_TRACE);
					assertThat(span.getParentSpanId()).isEqualTo(GATEWAY_SPAN);
				}));
	}

	/**
	 * What the operator greps for: the audit line an action writes carries the trace id of the
	 * request through the gateway, on whatever thread the database answer arrived.
	 */
	@Test
	void logoutEverywhereWhenTraceparentFromGatewayThenItsAuditLineCarriesTheTraceId(CapturedOutput output) {
		String trace = "5cf92f3577b34da6a3ce929d0e0e4737";
		AuthClient.Tokens tokens = new AuthClient(this.client).newSession();
		new AuthClient(this.client).post("/auth/logout-all", tokens)
			.header("traceparent", "00-" + trace + "-" + GATEWAY_SPAN + "-01")
			.exchange()
			.expectStatus()
			.isNoContent();
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(output.getOut().lines().filter((line) -> line.contains("audit all_sessions_revoked")))
				.anySatisfy((line) -> assertThat(line).contains(trace)));
	}

	/** A span exporter bean: keeps what the OpenTelemetry SDK exports, in place of an OTLP collector. */
	@TestConfiguration
	static class Spans implements SpanExporter {

		final List<SpanData> exported = new CopyOnWriteArrayList<>();

		@Override
		public CompletableResultCode export(Collection<SpanData> spans) {
			this.exported.addAll(spans);
			return CompletableResultCode.ofSuccess();
		}

		@Override
		public CompletableResultCode flush() {
			return CompletableResultCode.ofSuccess();
		}

		@Override
		public CompletableResultCode shutdown() {
			return CompletableResultCode.ofSuccess();
		}

	}

}
