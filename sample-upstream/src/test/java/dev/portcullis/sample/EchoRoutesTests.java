package dev.portcullis.sample;

import org.junit.jupiter.api.Test;

import org.springframework.test.web.reactive.server.WebTestClient;

class EchoRoutesTests {

	WebTestClient client = WebTestClient.bindToRouterFunction(new EchoRoutes().echo()).build();

	@Test
	void echoWhenCalledThenReturnsMethodPathIdentityHeadersAndCookies() {
		this.client.post()
			.uri("/orders/42?expand=items")
			.header("X-User-Id", "u-1")
			.header("X-User-Roles", "user,admin")
			.cookie("theme", "dark")
			.bodyValue("hello")
			.exchange()
			.expectStatus().isOk()
			.expectBody()
			.jsonPath("$.method").isEqualTo("POST")
			.jsonPath("$.path").isEqualTo("/orders/42")
			.jsonPath("$.query").isEqualTo("expand=items")
			.jsonPath("$.identity['X-User-Id']").isEqualTo("u-1")
			.jsonPath("$.identity['X-User-Roles']").isEqualTo("user,admin")
			.jsonPath("$.identity['X-Session-Id']").doesNotExist()
			.jsonPath("$.cookies.theme[0]").isEqualTo("dark")
			.jsonPath("$.bodyLength").isEqualTo(5);
	}

}
