// Opens N idle WebSockets through the gateway on loopback, holds them, then closes them.
//
//   java IdleSockets.java <ws-url> <origin> <cookie> <count> <hold-seconds>
//
// Prints "open <n>" once every socket has received the upstream's first message, then
// "closed" after closing them all, and exits. Exits non-zero if any socket failed to open.
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

public class IdleSockets {

	public static void main(String[] args) throws Exception {
		URI uri = URI.create(args[0]);
		String origin = args[1];
		String cookie = args[2];
		int count = Integer.parseInt(args[3]);
		long holdSeconds = Long.parseLong(args[4]);
		HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
		CountDownLatch greeted = new CountDownLatch(count);
		AtomicInteger failed = new AtomicInteger();
		Semaphore inFlight = new Semaphore(200);
		List<CompletableFuture<WebSocket>> sockets = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			if (!inFlight.tryAcquire(60, TimeUnit.SECONDS)) {
				System.out.println("timeout: 200 sockets stuck opening after " + i);
				System.exit(2);
			}
			CompletableFuture<WebSocket> socket = client.newWebSocketBuilder()
				.header("Origin", origin)
				.header("Cookie", cookie)
				.buildAsync(uri, new WebSocket.Listener() {
					private boolean counted;

					@Override
					public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
						count(false);
						webSocket.request(1);
						return null;
					}

					@Override
					public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
						count(true);
						return null;
					}

					@Override
					public void onError(WebSocket webSocket, Throwable error) {
						count(true);
					}

					/** Counts the socket once: greeted, or closed before it was. */
					private synchronized void count(boolean failure) {
						if (!this.counted) {
							this.counted = true;
							if (failure) {
								failed.incrementAndGet();
							}
							inFlight.release();
							greeted.countDown();
						}
					}
				});
			socket.whenComplete((ws, ex) -> {
				if (ex != null) {
					failed.incrementAndGet();
					inFlight.release();
					greeted.countDown();
				}
			});
			sockets.add(socket);
		}
		if (!greeted.await(120, TimeUnit.SECONDS)) {
			System.out.println("timeout: " + greeted.getCount() + " sockets never opened");
			System.exit(2);
		}
		System.out.println("open " + (count - failed.get()) + " failed " + failed.get());
		Thread.sleep(holdSeconds * 1000);
		List<CompletableFuture<?>> closes = new ArrayList<>();
		for (CompletableFuture<WebSocket> socket : sockets) {
			if (!socket.isCompletedExceptionally()) {
				closes.add(socket.join().sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally((ex) -> null));
			}
		}
		CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
		System.out.println("closed");
		System.exit(failed.get() == 0 ? 0 : 1);
	}

}
