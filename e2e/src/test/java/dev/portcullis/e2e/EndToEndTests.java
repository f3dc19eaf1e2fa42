package dev.portcullis.e2e;

import java.util.ArrayList;
import java.util.List;

import dev.portcullis.testsupport.TestDatabase;
import org.junit.jupiter.api.Test;

/** The released jars as separate processes, talking HTTP through the real gateway. */
class EndToEndTests {

	@Test
	void flowWhenAuthServiceOnPostgresqlThenWholeJourneyWorksAndLogsHoldNoSecrets() throws Exception {
		TestDatabase db = TestDatabase.get();
		List<String> auth = new ArrayList<>(EndToEndFlow.AUTH_ARGS);
		auth.addAll(List.of("--spring.r2dbc.url=" + db.r2dbcUrl(), "--spring.r2dbc.username=" + db.username(),
				"--spring.r2dbc.password=" + db.password(), "--spring.flyway.url=" + db.jdbcUrl()));
		try (Portcullis portcullis = Portcullis.start("postgresql", auth, EndToEndFlow.GATEWAY_ARGS)) {
			EndToEndFlow flow = new EndToEndFlow(portcullis);
			flow.run();
			flow.assertNoSecretsIn(portcullis.allLogs());
		}
	}

	@Test
	void flowWhenAuthServiceOnEmbeddedDefaultThenWholeJourneyWorks() throws Exception {
		List<String> auth = new ArrayList<>(EndToEndFlow.AUTH_ARGS);
		java.nio.file.Path data = java.nio.file.Files.createTempDirectory("portcullis-e2e");
		auth.addAll(List.of("--spring.profiles.active=embedded", "--PORTCULLIS_DATA_DIR=" + data));
		try (Portcullis portcullis = Portcullis.start("embedded", auth, EndToEndFlow.GATEWAY_ARGS)) {
			EndToEndFlow flow = new EndToEndFlow(portcullis);
			flow.run();
			flow.assertNoSecretsIn(portcullis.allLogs());
		}
	}

}
