package dev.portcullis.gateway.route;

import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.route.RouteDefinition;
import org.springframework.context.event.EventListener;

/**
 * Logs, at start-up, every configured route and path that needs no access token, so an
 * accidental {@code public: true} or {@code PortcullisPublic} shows up in the first screen of logs.
 */
class PublicRoutesReport {

	private static final Log logger = LogFactory.getLog(PublicRoutesReport.class);

	private final GatewayProperties gateway;

	private final List<String> publicPaths;

	public PublicRoutesReport(GatewayProperties gateway, List<String> publicPaths) {
		this.gateway = gateway;
		this.publicPaths = publicPaths;
	}

	@EventListener(ApplicationReadyEvent.class)
	public void report() {
		for (RouteDefinition route : this.gateway.getRoutes()) {
			if (RoutePolicy.isPublic(route)) {
				logger.info("Public route (no access token required): " + route.getId() + " " + route.getPredicates()
						+ " -> " + route.getUri());
			}
		}
		for (String path : this.publicPaths) {
			logger.info("Public path (no access token required): " + path);
		}
	}

}
