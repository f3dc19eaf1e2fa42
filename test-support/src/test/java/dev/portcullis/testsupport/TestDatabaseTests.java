package dev.portcullis.testsupport;

import java.sql.Connection;
import java.sql.ResultSet;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class TestDatabaseTests {

	@Test
	void getWhenCalledTwiceThenReturnsOneFreshDatabase() throws Exception {
		TestDatabase db = TestDatabase.get();
		assertThat(TestDatabase.get()).isSameAs(db);
		assertThat(db.name()).startsWith("portcullis_test_");
		try (Connection connection = db.connect(); ResultSet rs = connection.createStatement().executeQuery("select current_database()")) {
			assertThat(rs.next()).isTrue();
			assertThat(rs.getString(1)).isEqualTo(db.name());
		}
	}

	@Test
	void fromUrlWhenNothingAnswersThenFailsWithOneLineSayingWhere() {
		assertThatIllegalStateException().isThrownBy(() -> TestDatabase.Server.fromUrl("postgresql://someone:pw@127.0.0.1:1/x"))
			.withMessageContaining("PORTCULLIS_TEST_DB is set but no PostgreSQL answers at 127.0.0.1:1 as someone");
	}

}
