package dev.portcullis.gateway.core;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class PathGuardTests {

	@ParameterizedTest
	@ValueSource(strings = { "/api/../admin", "/api/./x", "/api/%2e%2e/admin", "/api/%2E/x", "/api/a%2fb", "/api/a%5cb",
			"/api/a\\b", "/api/x;jsessionid=1", "/api/%252e%252e/admin", "/api/%zz", "/api/%2", "..", "/.." })
	void pathThatAServerCouldReadDifferentlyIsRefusedWithInvalidPath(String rawPath) {
		assertThat(PathGuard.check(rawPath)).isNotNull().satisfies((refusal) -> assertThat(refusal.code()).isEqualTo("invalid_path"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "/", "/api/x", "/api/x/", "/api/.well-known", "/api/..x", "/api/x..", "/api/caf%C3%A9", "/api/a%20b",
			"/api//x" })
	void plainPathPasses(String rawPath) {
		assertThat(PathGuard.check(rawPath)).isNull();
	}

}
