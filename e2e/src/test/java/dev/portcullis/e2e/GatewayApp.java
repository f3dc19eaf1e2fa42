package dev.portcullis.e2e;

import java.nio.file.Path;
import java.util.List;

/**
 * The gateway a run puts in front of the sample upstream: ours, or a team's own Spring Cloud
 * Gateway given the access check by the starter ({@code e2e/team-gateway}). Each reaches the
 * upstream's {@code /orders} at its own path.
 */
enum GatewayApp {

	/** The Portcullis gateway application, with its shipped application.yml. */
	PORTCULLIS("/api/orders", "/.well-known/jwks.json") {

		@Override
		Path jar() {
			return AppProcesses.jar("gateway");
		}

		@Override
		List<String> args(int port, int authPort, int upstreamPort) {
			return AppProcesses.gatewayArgs(port, authPort, upstreamPort);
		}

	},

	/**
	 * A team's gateway: its own package, route ({@code /shop/orders/**} rewritten to
	 * {@code /orders/**}) and request-id filter, the starter, and only the settings its README
	 * documents; told where things are the way the team's deployment would, by its own variables.
	 */
	TEAM("/shop/orders", GatewayApp.TEAM_CATALOG) {

		@Override
		Path jar() {
			return AppProcesses.jar("e2e/team-gateway", "team-gateway");
		}

		@Override
		List<String> args(int port, int authPort, int upstreamPort) {
			return List.of("--server.port=" + port, "--AUTH_SERVICE_URI=http://127.0.0.1:" + authPort,
					"--ORDERS_SERVICE_URI=http://127.0.0.1:" + upstreamPort,
					"--PORTCULLIS_FEED_SECRET=" + AppProcesses.FEED_SECRET);
		}

	};

	/** The team gateway's public route to the upstream's {@code /catalog}. */
	static final String TEAM_CATALOG = "/shop/catalog";

	/** Where a client calls the upstream's {@code /orders}. */
	final String ordersPath;

	/** What answers 200 once it routes: a route to the auth service, or the team's public route to the upstream. */
	final String readyPath;

	GatewayApp(String ordersPath, String readyPath) {
		this.ordersPath = ordersPath;
		this.readyPath = readyPath;
	}

	abstract Path jar();

	/** The arguments it needs: its port, the auth service and upstream it fronts, the feed secret. */
	abstract List<String> args(int port, int authPort, int upstreamPort);

}
