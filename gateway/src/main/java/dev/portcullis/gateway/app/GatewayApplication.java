package dev.portcullis.gateway.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Portcullis gateway: a Spring Cloud Gateway that checks the access cookie on every proxied
 * request. Everything it does comes from the starter's auto-configuration; this package holds
 * nothing to scan.
 */
@SpringBootApplication
public class GatewayApplication {

	public static void main(String[] args) {
		SpringApplication.run(GatewayApplication.class, args);
	}

}
