package dev.portcullis.gateway.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The token-cache test of the "gateway never falls over" work: 200 000 distinct valid tokens,
 * each presented once, to the verifier and cache the gateway builds, in a JVM started with the
 * shipped heap options (Dockerfile and quickstart): no {@link OutOfMemoryError}, the cache's
 * weight stays within its default bound (an eighth of the heap), and a logged-in user's token
 * keeps verifying throughout. With the former entry-count bound of 100 000 the same run needs
 * ~120 MB of cache in a 96 MiB heap.
 */
class TokenCacheFloodTests {

	static final int TOKENS = 200_000;

	/** The gateway's shipped JVM heap options (Dockerfile, quickstart). */
	static final List<String> SHIPPED_HEAP = List.of("-XX:+UseParallelGC", "-Xss512k", "-Xms96m", "-Xmx96m",
			"-XX:MaxMetaspaceSize=128m", "-XX:MaxDirectMemorySize=64m");

	@Test
	void verifyWhen200kDistinctTokensOnShippedHeapThenNoOomAndWeightWithinBound(@TempDir Path dir)
			throws IOException, InterruptedException {
		Path output = dir.resolve("flood.out");
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(SHIPPED_HEAP);
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), TokenCacheFlood.class.getName(),
				Integer.toString(TOKENS)));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
		if (!process.waitFor(180, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			fail("The flood did not finish within 180 s: " + Files.readString(output));
		}
		String printed = Files.readString(output);
		System.out.println(printed);
		assertThat(printed).doesNotContain("OutOfMemoryError").doesNotContain(TokenCacheFlood.RESULT + " oom");
		assertThat(process.exitValue()).as(printed).isZero();
		Map<String, Long> result = result(printed);
		assertThat(result.get("tokens")).isEqualTo(TOKENS);
		// ParallelGC's max heap (Runtime.maxMemory) moves with its survivor size: an eighth of ~96 MiB
		assertThat(result.get("bound")).isBetween(11L << 20, 12L << 20);
		assertThat(result.get("maxWeight")).isLessThanOrEqualTo(result.get("bound"));
		assertThat(result.get("weight")).isPositive().isLessThanOrEqualTo(result.get("bound"));
		// what the flood leaves on the heap is the cache, weighed honestly: within 10 % of its bound
		assertThat(result.get("retainedHeap")).isLessThan(result.get("bound") * 11 / 10);
		// the logged-in user's token, presented throughout, stays cached: its signature is checked once
		assertThat(result.get("regularMisses")).isZero();
	}

	private static Map<String, Long> result(String printed) {
		String line = printed.lines()
			.filter((candidate) -> candidate.startsWith(TokenCacheFlood.RESULT + " tokens="))
			.findFirst()
			.orElseThrow(() -> new AssertionError("No result line in: " + printed));
		Map<String, Long> values = new HashMap<>();
		for (String pair : line.substring(TokenCacheFlood.RESULT.length() + 1).split(" ")) {
			String[] parts = pair.split("=");
			values.put(parts[0], Long.parseLong(parts[1]));
		}
		return values;
	}

}
