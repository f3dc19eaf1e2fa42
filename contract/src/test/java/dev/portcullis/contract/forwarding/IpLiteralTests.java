package dev.portcullis.contract.forwarding;

import java.net.InetAddress;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class IpLiteralTests {

	@ParameterizedTest(name = "{0} -> {1}")
	@CsvSource(delimiter = '|', value = { "192.0.2.7 | 192.0.2.7", "0.0.0.0 | 0.0.0.0", "255.255.255.255 | 255.255.255.255",
			"2001:db8::1 | 2001:db8:0:0:0:0:0:1", "2001:DB8:0:0:0:0:0:1 | 2001:db8:0:0:0:0:0:1", ":: | 0:0:0:0:0:0:0:0",
			"::1 | 0:0:0:0:0:0:0:1", "1:: | 1:0:0:0:0:0:0:0", "1:2:3:4:5:6:7:8 | 1:2:3:4:5:6:7:8",
			"1::2:3:4:5:6:7 | 1:0:2:3:4:5:6:7", "::ffff:192.0.2.7 | 192.0.2.7", "64:ff9b::192.0.2.7 | 64:ff9b:0:0:0:0:c000:207" })
	void parseWhenIpLiteralThenTheAddress(String text, String expected) {
		InetAddress address = IpLiteral.parse(text);

		assertThat(address).isNotNull();
		assertThat(address.getHostAddress()).isEqualTo(expected);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "1.2", "1.2.3", "1.2.3.4.5", "12345", "0x7f.0.0.1", "010.0.0.1", "256.0.0.1", "1.2.3.-4",
			"1..2.3", "1.2.3.4 ", " 1.2.3.4", "example.org", "localhost", "evil.example.com", "1\u0663.0.0.1",
			"\uff11.2.3.4", "<script>", "1.2.3.4:80", "[2001:db8::1]", "2001:db8::1%eth0", ":::", "1:::2", "1::2::3",
			":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1:2:3:4:5:6:7::8", "12345::", "g::1",
			"::1.2.3", "1.2.3.4::", "::1.2.3.4:5", "1:2:3:4:5:6:7:1.2.3.4", "\u0661::1" })
	void parseWhenAnythingElseThenNull(String text) {
		assertThat(IpLiteral.parse(text)).as(text).isNull();
	}

}
