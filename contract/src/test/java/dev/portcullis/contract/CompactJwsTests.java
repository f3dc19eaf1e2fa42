package dev.portcullis.contract;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class CompactJwsTests {

	// {"alg":"RS256"} . {"sub":"a"} . two bytes 0xfb 0xff (3 characters, 2 unused bits in the last)
	static final String CANONICAL = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.-_8";

	@Test
	void isCanonicalWhenUnpaddedBase64urlThenTrue() {
		assertThat(CompactJws.isCanonical(CANONICAL)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", ".", "..", "a.b", "a.b.c.d", ".b.c", "a..c", "a.b.", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.-_8=",
			"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.=-_8", "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.-_9",
			"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.+/8", "eyJhbGciOiJSUzI1NiJ9 .eyJzdWIiOiJhIn0.-_8", "e.eyJzdWIiOiJhIn0.-_8" })
	void isCanonicalWhenAnyOtherSpellingThenFalse(String token) {
		assertThat(CompactJws.isCanonical(token)).as(token).isFalse();
	}

}
