package dev.portcullis.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** A stand-in for a team's backend service behind the gateway. */
@SpringBootApplication
public class SampleUpstreamApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleUpstreamApplication.class, args);
	}

}
