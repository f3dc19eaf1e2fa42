package dev.portcullis.gateway.server;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

class RequestHeadSizeTests {

	private static DataSize headSize(MockEnvironment environment) {
		new RequestHeadSize().postProcessEnvironment(environment, new SpringApplication());
		return Binder.get(environment).bind(RequestHeadSize.HEADER_SIZE, DataSize.class).orElse(null);
	}

	@Test
	void headUnsetThenSizedForTheDefaultAccessCookie() {
		// an access cookie at max-token-size (4 KB), the refresh cookie and Boot's own 8 KB of headers
		assertThat(headSize(new MockEnvironment())).isEqualTo(DataSize.ofKilobytes(16));
	}

	@Test
	void headUnsetThenSizedForALargerMaxTokenSize() {
		assertThat(headSize(new MockEnvironment().withProperty("portcullis.gateway.max-token-size", "10000")))
			.isEqualTo(DataSize.ofKilobytes(22));
	}

	@Test
	void headSetByTheApplicationIsKept() {
		assertThat(headSize(new MockEnvironment().withProperty(RequestHeadSize.HEADER_SIZE, "8KB")))
			.isEqualTo(DataSize.ofKilobytes(8));
	}

	@Test
	void serverLimitsSwitchedOffLeaveTheHeadToSpringBoot() {
		assertThat(headSize(new MockEnvironment().withProperty("portcullis.gateway.server-limits.enabled", "false")))
			.isNull();
	}

	@Test
	void portcullisSwitchedOffLeavesTheHeadToSpringBoot() {
		assertThat(headSize(new MockEnvironment().withProperty("portcullis.gateway.enabled", "false"))).isNull();
	}

}
