package dev.portcullis.contract.forwarding;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TrustedProxiesTests {

	private static final TrustedProxies BALANCERS = TrustedProxies.of(List.of("10.0.0.0/8", "2001:db8:f::/48"));

	@ParameterizedTest(name = "peer {0}, X-Forwarded-For ''{1}'' -> {2}")
	@CsvSource(delimiter = '|', value = {
			// a client outside the list cannot choose its address
			"203.0.113.5 | 198.51.100.7 | 203.0.113.5",
			"192.168.1.9 | 10.0.0.1 | 192.168.1.9",
			// a trusted peer is believed
			"10.0.0.1 | 198.51.100.7 | 198.51.100.7",
			"2001:db8:f::1 | 2001:db8::7 | 2001:db8:0:0:0:0:0:7",
			// the right-most entry that is not a trusted proxy; the client's own entries are ignored
			"10.0.0.1 | 203.0.113.9, 198.51.100.7 | 198.51.100.7",
			// a chain of two proxies: the balancer's entry, then the client it saw
			"10.0.0.1 | 203.0.113.9, 198.51.100.7, 10.0.0.2 | 198.51.100.7",
			// every hop a proxy: the left-most
			"10.0.0.1 | 10.0.0.3, 10.0.0.2 | 10.0.0.3",
			// an entry that is not an address stops the walk at the proxy that wrote it
			"10.0.0.1 | 1.2 | 10.0.0.1",
			"10.0.0.1 | 198.51.100.7, 1.2, 10.0.0.2 | 10.0.0.2",
			"10.0.0.1 | evil.example.com | 10.0.0.1",
			"10.0.0.1 | 198.51.100.7:443 | 10.0.0.1",
			"10.0.0.1 | '' | 10.0.0.1" })
	void clientWhenForwardedForThenRightMostUntrustedEntry(String peer, String forwardedFor, String expected) {
		InetAddress client = BALANCERS.client(IpLiteral.parse(peer), List.of(forwardedFor));

		assertThat(client).isEqualTo(IpLiteral.parse(expected));
	}

	@Test
	void clientWhenSeveralHeaderLinesThenReadAsOneListInOrder() {
		InetAddress client = BALANCERS.client(IpLiteral.parse("10.0.0.1"),
				List.of("203.0.113.9", "198.51.100.7, 10.0.0.2"));

		assertThat(client).isEqualTo(IpLiteral.parse("198.51.100.7"));
	}

	@Test
	void clientWhenNoHeaderOrNoProxiesThenThePeer() {
		InetAddress peer = IpLiteral.parse("10.0.0.1");

		assertThat(BALANCERS.client(peer, List.of())).isSameAs(peer);
		assertThat(TrustedProxies.none().client(peer, List.of("198.51.100.7"))).isSameAs(peer);
		assertThat(BALANCERS.client(null, List.of("198.51.100.7"))).isNull();
	}

	@Test
	void containsWhenLoopbackDefaultThenOnlyLoopback() {
		TrustedProxies loopback = TrustedProxies.of(TrustedProxies.LOOPBACK);

		assertThat(Arrays.asList("127.0.0.1", "127.255.0.9", "::1").stream().map(IpLiteral::parse))
			.allMatch(loopback::contains);
		assertThat(Arrays.asList("10.0.0.1", "192.168.0.1", "172.16.0.1", "169.254.0.1", "::2", "fe80::1", "128.0.0.1")
			.stream()
			.map(IpLiteral::parse)).noneMatch(loopback::contains);
	}

	@Test
	void containsWhenPrefixNotOnAByteThenBitsCompared() {
		TrustedProxies block = TrustedProxies.of(List.of("172.16.0.0/12", "0.0.0.0/0"));
		TrustedProxies narrow = TrustedProxies.of(List.of("172.16.0.0/12"));

		assertThat(narrow.contains(IpLiteral.parse("172.31.255.255"))).isTrue();
		assertThat(narrow.contains(IpLiteral.parse("172.32.0.0"))).isFalse();
		assertThat(narrow.contains(IpLiteral.parse("::ffff:172.16.0.1"))).isTrue();
		assertThat(narrow.contains(IpLiteral.parse("2001:db8::1"))).isFalse();
		assertThat(block.contains(IpLiteral.parse("198.51.100.7"))).isTrue();
	}

	@Test
	void containsWhenIpv4PeerReportedAsMappedIpv6ThenMatchedAsIpv4() throws Exception {
		byte[] mapped = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 0, 0, 1 };
		// as a native transport may build it: Inet6Address keeps the mapped form
		InetAddress peer = java.net.Inet6Address.getByAddress(null, mapped, -1);

		assertThat(BALANCERS.contains(peer)).isTrue();
		assertThat(BALANCERS.client(peer, List.of("198.51.100.7"))).isEqualTo(IpLiteral.parse("198.51.100.7"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8", "10.1.0.0/8", "10/8",
			"example.org/24", "::1/129", "2001:db8::/a" })
	void ofWhenNotABlockThenRefusedNamingIt(String cidr) {
		assertThatIllegalArgumentException().isThrownBy(() -> TrustedProxies.of(List.of("10.0.0.0/8", cidr)))
			.withMessageContaining("'" + cidr + "'");
	}

}
