package dev.portcullis.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The three released apps started as separate processes on free ports, the way users run them,
 * each with its own log file under {@code target/e2e-logs}; in front, our gateway or a team's
 * ({@link GatewayApp}).
 */
final class Portcullis implements AutoCloseable {

	static final String MASTER_SECRET = AppProcesses.MASTER_SECRET;

	static final String FEED_SECRET = AppProcesses.FEED_SECRET;

	final int gatewayPort = AppProcesses.freePort();

	final int authPort = AppProcesses.freePort();

	/** The auth service's management port (loopback), for tests that call its operations. */
	final int authManagementPort = AppProcesses.freePort();

	final int upstreamPort = AppProcesses.freePort();

	final Path logs;

	/** The gateway in front: ours or a team's. */
	final GatewayApp gatewayApp;

	private final AppProcesses processes;

	private Portcullis(String name, GatewayApp gatewayApp) throws IOException {
		this.processes = new AppProcesses(name);
		this.logs = this.processes.logs;
		this.gatewayApp = gatewayApp;
	}

	/** Starts upstream, auth service (with {@code authArgs}) and our gateway, and waits until all are ready. */
	static Portcullis start(String name, List<String> authArgs, List<String> gatewayArgs) throws Exception {
		return start(name, GatewayApp.PORTCULLIS, authArgs, (portcullis) -> gatewayArgs);
	}

	/**
	 * Starts upstream, auth service (with {@code authArgs}) and {@code gatewayApp}, with the
	 * arguments {@code gatewayArgs} gives once the ports are chosen, and waits until all are ready.
	 */
	static Portcullis start(String name, GatewayApp gatewayApp, List<String> authArgs,
			Function<Portcullis, List<String>> gatewayArgs) throws Exception {
		Portcullis portcullis = new Portcullis(name, gatewayApp);
		try {
			portcullis.processes.launch("sample-upstream", "sample-upstream", List.of("--server.port=" + portcullis.upstreamPort));
			List<String> auth = new ArrayList<>(AppProcesses.authArgs(portcullis.authPort, portcullis.authManagementPort));
			auth.addAll(authArgs);
			portcullis.processes.launch("auth-service", "auth-service", auth);
			portcullis.processes.awaitHttp(portcullis.authPort, "/.well-known/jwks.json");
			List<String> gateway = new ArrayList<>(
					gatewayApp.args(portcullis.gatewayPort, portcullis.authPort, portcullis.upstreamPort));
			gateway.addAll(gatewayArgs.apply(portcullis));
			portcullis.processes.launch("gateway", gatewayApp.jar(), AppProcesses.JVM_OPTIONS, gateway);
			portcullis.processes.awaitHttp(portcullis.upstreamPort, "/");
			portcullis.processes.awaitHttp(portcullis.gatewayPort, gatewayApp.readyPath);
			return portcullis;
		}
		catch (Exception | AssertionError ex) {
			portcullis.close();
			throw ex;
		}
	}

	String gateway() {
		return "http://127.0.0.1:" + this.gatewayPort;
	}

	/** Everything the three processes printed. */
	String allLogs() throws IOException {
		return this.processes.allLogs();
	}

	/** Stops one of the apps, as an outage would. */
	void stop(String module) throws InterruptedException {
		this.processes.stop(module);
	}

	@Override
	public void close() {
		this.processes.close();
	}

}
