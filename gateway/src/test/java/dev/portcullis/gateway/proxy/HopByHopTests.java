package dev.portcullis.gateway.proxy;

import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;

import org.springframework.cloud.gateway.filter.headers.RemoveHopByHopHeadersFilter;
import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;

/** The fixed set is kept twice (a list for lookups, a switch for scans): both are Spring Cloud Gateway's. */
class HopByHopTests {

	@Test
	void fixedWhenComparedWithSpringCloudGatewayThenSameNamesInListAndSwitch() {
		assertThat(HopByHop.FIXED).containsExactlyInAnyOrderElementsOf(RemoveHopByHopHeadersFilter.HEADERS_REMOVED_ON_REQUEST);
		for (String name : RemoveHopByHopHeadersFilter.HEADERS_REMOVED_ON_REQUEST) {
			assertThat(HopByHop.isFixed(name)).as(name).isTrue();
			assertThat(HopByHop.isFixed(name.toUpperCase(Locale.ROOT))).as(name).isTrue();
		}
		assertThat(HopByHop.isFixed("content-length")).isFalse();
		assertThat(HopByHop.isFixed("tx")).isFalse();
	}

	@Test
	void connectionOptionsWhenSpringOrNettyValuesThenSameAsSpringsParsing() {
		HttpHeaders headers = new HttpHeaders();
		headers.add(HttpHeaders.CONNECTION, " Keep-Alive ,, X-Trace");
		headers.add(HttpHeaders.CONNECTION, "close");

		assertThat(HopByHop.connectionOptions(headers)).containsExactly("keep-alive", "x-trace", "close");
		assertThat(HopByHop.connectionOptions(headers))
			.isEqualTo(headers.getConnection().stream().map((o) -> o.toLowerCase(Locale.ROOT)).toList());
		assertThat(HopByHop.connectionOptions(new HttpHeaders())).isSameAs(List.of());
	}

}
