package dev.portcullis.e2e;

import java.util.ArrayList;
import java.util.List;

import dev.portcullis.testsupport.TestDatabase;

/**
 * The normal deployment, on loopback: two auth services on one PostgreSQL database and two
 * gateways, gateway 1 fronting auth service 1 and gateway 2 fronting auth service 2, with one
 * sample upstream behind both. Each is a real process started from the released jars.
 */
final class Replicas implements AutoCloseable {

	final int upstreamPort = AppProcesses.freePort();

	final int[] authPorts = { AppProcesses.freePort(), AppProcesses.freePort() };

	final int[] gatewayPorts = { AppProcesses.freePort(), AppProcesses.freePort() };

	final AppProcesses processes;

	private Replicas(String group) throws Exception {
		this.processes = new AppProcesses(group);
	}

	static Replicas start(String group, TestDatabase db, List<String> authArgs, List<String> gatewayArgs) throws Exception {
		Replicas replicas = new Replicas(group);
		try {
			replicas.processes.launch("sample-upstream", "sample-upstream", List.of("--server.port=" + replicas.upstreamPort));
			for (int i = 0; i < 2; i++) {
				List<String> auth = new ArrayList<>(AppProcesses.authArgs(replicas.authPorts[i]));
				auth.addAll(List.of("--spring.r2dbc.url=" + db.r2dbcUrl(), "--spring.r2dbc.username=" + db.username(),
						"--spring.r2dbc.password=" + db.password(), "--spring.flyway.url=" + db.jdbcUrl()));
				auth.addAll(authArgs);
				replicas.processes.launch(auth(i), "auth-service", auth);
			}
			for (int i = 0; i < 2; i++) {
				replicas.awaitAuth(i);
				List<String> gateway = new ArrayList<>(
						AppProcesses.gatewayArgs(replicas.gatewayPorts[i], replicas.authPorts[i], replicas.upstreamPort));
				gateway.addAll(gatewayArgs);
				replicas.processes.launch(gateway(i), "gateway", gateway);
			}
			replicas.processes.awaitHttp(replicas.upstreamPort, "/");
			for (int i = 0; i < 2; i++) {
				replicas.processes.awaitHttp(replicas.gatewayPorts[i], "/.well-known/jwks.json");
			}
			return replicas;
		}
		catch (Exception | AssertionError ex) {
			replicas.close();
			throw ex;
		}
	}

	/** Gateway {@code i} (0 or 1), e.g. {@code http://127.0.0.1:41234}. */
	String gatewayUrl(int i) {
		return "http://127.0.0.1:" + this.gatewayPorts[i];
	}

	void stopAuth(int i) throws InterruptedException {
		this.processes.stop(auth(i));
	}

	void startAuth(int i) throws Exception {
		this.processes.start(auth(i));
	}

	/** Waits until auth service {@code i} serves its keys: the moment it counts as ready. */
	void awaitAuth(int i) throws Exception {
		this.processes.awaitHttp(this.authPorts[i], "/.well-known/jwks.json");
	}

	@Override
	public void close() {
		this.processes.close();
	}

	private static String auth(int i) {
		return "auth-" + (i + 1);
	}

	private static String gateway(int i) {
		return "gateway-" + (i + 1);
	}

}
