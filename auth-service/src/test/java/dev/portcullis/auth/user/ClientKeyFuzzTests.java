package dev.portcullis.auth.user;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client address comes from X-Forwarded-For, which a caller on the private network writes
 * freely: whatever it says, the budget key is short, never throws, and never takes a name lookup
 * (BlockHound would fail a lookup; these run on the test thread, the login test runs it on an
 * event loop).
 */
class ClientKeyFuzzTests {

	@Property
	void clientKeyWhenAnyHeaderValueThenNoFailureAndBoundedKey(@ForAll("addressLike") String ip) {
		String key = LoginThrottle.clientKey(ip);
		assertThat(key).isNotNull();
		assertThat(key.length()).isLessThanOrEqualTo(Math.max(ip.length(), 19));
	}

	@Test
	void clientKeyWhenIpv6ThenTheSlash64AndIpv4AsItIs() {
		assertThat(LoginThrottle.clientKey("2001:db8:1:2:3:4:5:6")).isEqualTo("20010db800010002/64")
			.isEqualTo(LoginThrottle.clientKey("2001:DB8:1:2::99"));
		assertThat(LoginThrottle.clientKey("2001:db8:1:3::1")).isEqualTo("20010db800010003/64");
		assertThat(LoginThrottle.clientKey("192.0.2.7")).isEqualTo("192.0.2.7");
		assertThat(LoginThrottle.clientKey("::ffff:192.0.2.7")).isEqualTo("192.0.2.7");
		assertThat(LoginThrottle.clientKey("example.org:80")).isEqualTo("example.org:80");
		assertThat(LoginThrottle.clientKey("2001:db8::1%eth0")).isEqualTo("2001:db8::1%eth0");
		// a leading dot would make the JDK look the name up
		assertThat(LoginThrottle.clientKey(".:1")).isEqualTo(".:1");
	}

	@Provide
	Arbitrary<String> addressLike() {
		return Arbitraries.oneOf(Arbitraries.strings().withChars("0123456789abcdefABCDEF:.%[]").ofMaxLength(64),
				Arbitraries.strings().ofMaxLength(64));
	}

}
