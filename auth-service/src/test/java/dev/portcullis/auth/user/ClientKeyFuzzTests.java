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
		for (String key : new String[] { LoginThrottle.clientKey(ip), LoginThrottle.deviceKey(ip) }) {
			assertThat(key).isNotNull();
			assertThat(key.length()).isLessThanOrEqualTo(Math.max(ip.length(), 19));
		}
	}

	@Test
	void clientKeyWhenAddressThenItsSlash24OrSlash56() {
		assertThat(LoginThrottle.clientKey("2001:db8:1:2:3:4:5:6")).isEqualTo("20010db8000100/56")
			.isEqualTo(LoginThrottle.clientKey("2001:DB8:1:ff::99"));
		assertThat(LoginThrottle.clientKey("2001:db8:1:103::1")).isEqualTo("20010db8000101/56");
		assertThat(LoginThrottle.clientKey("192.0.2.7")).isEqualTo("192.0.2.0/24").isEqualTo(LoginThrottle.clientKey("192.0.2.250"));
		assertThat(LoginThrottle.clientKey("::ffff:192.0.2.7")).isEqualTo("192.0.2.0/24");
		assertThat(LoginThrottle.clientKey("192.0.3.7")).isEqualTo("192.0.3.0/24");
	}

	@Test
	void clientKeyWhenNotAStrictAddressLiteralThenItselfWithoutALookup() {
		assertThat(LoginThrottle.clientKey("example.org:80")).isEqualTo("example.org:80");
		assertThat(LoginThrottle.clientKey("2001:db8::1%eth0")).isEqualTo("2001:db8::1%eth0");
		// what the JDK would read as 1.0.0.2 or 1.2.0.3
		assertThat(LoginThrottle.clientKey("1.2")).isEqualTo("1.2");
		assertThat(LoginThrottle.clientKey("1.2.3")).isEqualTo("1.2.3");
		assertThat(LoginThrottle.clientKey("1.2.3.256")).isEqualTo("1.2.3.256");
		// a leading dot would make the JDK look the name up
		assertThat(LoginThrottle.clientKey(".:1")).isEqualTo(".:1");
	}

	@Test
	void deviceKeyWhenAddressThenIpv4AsItIsAndTheIpv6Slash64() {
		assertThat(LoginThrottle.deviceKey("2001:db8:1:2:3:4:5:6")).isEqualTo("20010db800010002/64")
			.isEqualTo(LoginThrottle.deviceKey("2001:DB8:1:2::99"));
		assertThat(LoginThrottle.deviceKey("192.0.2.7")).isEqualTo("192.0.2.7");
		assertThat(LoginThrottle.deviceKey("::ffff:192.0.2.7")).isEqualTo("192.0.2.7");
		assertThat(LoginThrottle.sameDevice("2001:db8:1:2::1", "2001:db8:1:2::2")).isTrue();
		assertThat(LoginThrottle.sameDevice("192.0.2.7", "192.0.2.8")).isFalse();
		assertThat(LoginThrottle.sameDevice(null, "192.0.2.8")).isFalse();
	}

	@Provide
	Arbitrary<String> addressLike() {
		return Arbitraries.oneOf(Arbitraries.strings().withChars("0123456789abcdefABCDEF:.%[]").ofMaxLength(64),
				Arbitraries.strings().ofMaxLength(64));
	}

}
