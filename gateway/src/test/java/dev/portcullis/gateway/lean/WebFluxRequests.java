package dev.portcullis.gateway.lean;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.server.WebFilter;

/** Records the path of every request that reaches WebFlux: a request on the lean path never does. */
@TestConfiguration(proxyBeanMethods = false)
class WebFluxRequests {

	final List<String> paths = new CopyOnWriteArrayList<>();

	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	WebFilter webFluxRequestRecorder() {
		return (exchange, chain) -> {
			this.paths.add(exchange.getRequest().getURI().getRawPath());
			return chain.filter(exchange);
		};
	}

}
