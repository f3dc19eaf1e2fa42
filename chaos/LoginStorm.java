import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Race check: N users (default 2000) log in and refresh at the same moment through the gateway.
 * Every answer must be 2xx or a documented 4xx (429 busy/too_many_attempts is retried after its
 * Retry-After); afterwards every user has exactly one live session, so nothing was duplicated and
 * nothing spuriously revoked. Bounded: gives up after --deadline seconds.
 *
 *   java chaos/LoginStorm.java [gateway-url] [users] [deadline-seconds]
 */
public class LoginStorm {

	static final String PASSWORD = "correct horse battery staple";

	static final Pattern COOKIE = Pattern.compile("^(__Host-access_token|__Secure-refresh_token)=([^;]*)");

	static final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();

	public static void main(String[] args) throws Exception {
		String gateway = (args.length > 0) ? args[0] : "http://127.0.0.1:8080";
		int users = (args.length > 1) ? Integer.parseInt(args[1]) : 2000;
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos((args.length > 2) ? Long.parseLong(args[2]) : 900);
		if (!URI.create(gateway).getHost().matches("127\\.\\d+\\.\\d+\\.\\d+|localhost|\\[::1\\]")) {
			throw new IllegalArgumentException("load goes to loopback only");
		}
		HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		String run = Long.toString(System.currentTimeMillis(), 36);
		List<String> emails = new ArrayList<>();
		for (int i = 0; i < users; i++) {
			emails.add("storm-" + run + "-" + i + "@example.org");
		}

		long t0 = System.nanoTime();
		all(emails, (email) -> retrying(http, gateway, deadline, () -> post(http, gateway + "/auth/register",
				"{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}", null), 201));
		System.out.printf("registered %d users in %.1f s%n", users, (System.nanoTime() - t0) / 1e9);

		long t1 = System.nanoTime();
		Map<String, String[]> cookies = new ConcurrentHashMap<>();
		all(emails, (email) -> retrying(http, gateway, deadline, () -> post(http, gateway + "/auth/login",
				"{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\"}", null), 200)
			.thenCompose((login) -> {
				String[] jar = cookies(login);
				return retrying(http, gateway, deadline, () -> post(http, gateway + "/auth/refresh", null,
						"__Secure-refresh_token=" + jar[1]), 200);
			})
			.thenApply((refresh) -> cookies.put(email, cookies(refresh))));
		System.out.printf("logged in and refreshed %d users concurrently in %.1f s%n", users, (System.nanoTime() - t1) / 1e9);

		AtomicInteger wrong = new AtomicInteger();
		all(emails, (email) -> send(http, HttpRequest.newBuilder(URI.create(gateway + "/auth/sessions"))
			.header("Cookie", "__Host-access_token=" + cookies.get(email)[0]).GET().build())
			.thenAccept((response) -> {
				int sessions = response.body().split("\"id\"").length - 1;
				if (response.statusCode() != 200 || sessions != 1) {
					wrong.incrementAndGet();
					System.out.println("UNEXPECTED " + email + ": " + response.statusCode() + " with " + sessions + " sessions");
				}
			}));
		System.out.println("answers by status: " + new java.util.TreeMap<>(statuses));
		boolean ok = wrong.get() == 0 && statuses.keySet().stream().allMatch((s) -> s < 300 || s == 429);
		System.out.println(ok ? "PASS: every answer 2xx or 429, every user exactly one live session"
				: "FAIL: " + wrong.get() + " users with a wrong session count; statuses " + statuses.keySet());
		System.exit(ok ? 0 : 1);
	}

	interface Call {

		CompletableFuture<HttpResponse<String>> send();

	}

	/** Repeats a call answered 429 after its Retry-After, until it gets {@code expected}. */
	static CompletableFuture<HttpResponse<String>> retrying(HttpClient http, String gateway, long deadline, Call call, int expected) {
		return call.send().thenCompose((response) -> {
			if (response.statusCode() == 429 && System.nanoTime() < deadline) {
				long wait = response.headers().firstValueAsLong("Retry-After").orElse(1);
				return CompletableFuture.supplyAsync(() -> null, CompletableFuture.delayedExecutor(wait, TimeUnit.SECONDS))
					.thenCompose((ignored) -> retrying(http, gateway, deadline, call, expected));
			}
			if (response.statusCode() != expected) {
				throw new IllegalStateException("expected " + expected + " but got " + response.statusCode() + ": " + response.body());
			}
			return CompletableFuture.completedFuture(response);
		});
	}

	static CompletableFuture<HttpResponse<String>> post(HttpClient http, String url, String json, String cookie) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120))
			.header("Origin", "http://localhost:8080")
			.header("Content-Type", "application/json")
			.POST((json != null) ? HttpRequest.BodyPublishers.ofString(json) : HttpRequest.BodyPublishers.noBody());
		if (cookie != null) {
			request.header("Cookie", cookie);
		}
		return send(http, request.build());
	}

	static CompletableFuture<HttpResponse<String>> send(HttpClient http, HttpRequest request) {
		return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply((response) -> {
			statuses.computeIfAbsent(response.statusCode(), (s) -> new AtomicInteger()).incrementAndGet();
			return response;
		});
	}

	static String[] cookies(HttpResponse<String> response) {
		String[] jar = new String[2];
		for (String header : response.headers().allValues("set-cookie")) {
			Matcher m = COOKIE.matcher(header);
			if (m.find()) {
				jar[m.group(1).startsWith("__Host") ? 0 : 1] = m.group(2);
			}
		}
		if (jar[0] == null || jar[1] == null) {
			throw new IllegalStateException("answer without both cookies: " + response.statusCode());
		}
		return jar;
	}

	static void all(List<String> emails, java.util.function.Function<String, CompletableFuture<?>> work) throws Exception {
		CompletableFuture.allOf(emails.stream().map(work).toArray(CompletableFuture[]::new)).get(900, TimeUnit.SECONDS);
	}

}
