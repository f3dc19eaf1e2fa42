package dev.portcullis.gateway.testing;

import java.time.Duration;

import org.springframework.test.web.reactive.server.HttpHandlerConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.server.WebExceptionHandler;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebHandler;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;

/**
 * A {@link WebTestClient} over a bare web handler with filters and exception handlers, no
 * server and no Spring context.
 */
public final class WebHandlerClients {

	private WebHandlerClients() {
	}

	public static WebTestClient client(WebHandler handler, WebExceptionHandler exceptionHandler,
			WebFilter... filters) {
		WebHttpHandlerBuilder builder = WebHttpHandlerBuilder.webHandler(handler)
			.exceptionHandler(exceptionHandler);
		for (WebFilter filter : filters) {
			builder.filter(filter);
		}
		return WebTestClient.bindToServer(new HttpHandlerConnector(builder.build()))
			.responseTimeout(Duration.ofSeconds(5))
			.build();
	}

}
