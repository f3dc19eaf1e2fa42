package dev.portcullis.gateway.differential;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A raw HTTP/1.1 upstream on plain sockets: records the exact request head bytes and the body
 * bytes (chunked bodies both as received on the wire and decoded) of every request, and answers
 * from a script chosen by the request path. Connections are kept alive between requests, as a
 * pooled client expects. At most {@value #MAX_CONNECTIONS} connections are served at once; more
 * are closed at once.
 * <p>
 * Scripts (the first one whose word the path contains): {@code /chunked} a chunked body in three
 * chunks; {@code /large} a 1 MiB fixed-length body; {@code /continue} a {@code 100 Continue}
 * before reading the body (only when the request expects it); {@code /early-hints} a
 * {@code 103 Early Hints} before the answer; {@code /slow} the answer after 2 s;
 * {@code /reset} the connection reset (RST) instead of an answer; {@code /close-mid-body} a
 * {@code Content-Length} of 100 000 and the connection closed after 1 000 bytes;
 * {@code /status-503} a 503 with a body; anything else the normal answer: 200, a small body and
 * response headers a proxy must filter ({@code Connection} naming a header, {@code Keep-Alive},
 * two {@code Set-Cookie}).
 */
final class RecordingUpstream implements AutoCloseable {

	static final int MAX_CONNECTIONS = 64;

	static final byte[] NORMAL_BODY = "{\"upstream\":\"normal\"}".getBytes(StandardCharsets.US_ASCII);

	static final int LARGE_SIZE = 1 << 20;

	/** One request as the upstream read it. */
	record Recorded(String head, byte[] wireBody, byte[] body) {
	}

	private final ServerSocket server;

	private final ExecutorService threads = Executors.newCachedThreadPool();

	private final Semaphore connections = new Semaphore(MAX_CONNECTIONS);

	private final List<Recorded> requests = new CopyOnWriteArrayList<>();

	private final List<Socket> open = new CopyOnWriteArrayList<>();

	RecordingUpstream() throws IOException {
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.threads.execute(this::accept);
	}

	int port() {
		return this.server.getLocalPort();
	}

	String uri() {
		return "http://127.0.0.1:" + port();
	}

	/** The requests recorded since the last {@link #clear()}, in arrival order. */
	List<Recorded> requests() {
		return List.copyOf(this.requests);
	}

	void clear() {
		this.requests.clear();
	}

	private void accept() {
		while (!this.server.isClosed()) {
			try {
				Socket socket = this.server.accept();
				if (!this.connections.tryAcquire()) {
					socket.close();
					continue;
				}
				this.open.add(socket);
				this.threads.execute(() -> serve(socket));
			}
			catch (IOException ex) {
				// the server socket was closed: the upstream is shutting down
				return;
			}
		}
	}

	private void serve(Socket socket) {
		try (socket) {
			socket.setSoTimeout(10_000);
			InputStream in = new BufferedInputStream(socket.getInputStream());
			OutputStream out = socket.getOutputStream();
			while (answerOne(socket, in, out)) {
				// keep-alive: the next request on the same connection
			}
		}
		catch (IOException ex) {
			// the client closed or reset the connection, or the script closed it
		}
		finally {
			this.open.remove(socket);
			this.connections.release();
		}
	}

	private boolean answerOne(Socket socket, InputStream in, OutputStream out) throws IOException {
		String head = readHead(in);
		if (head == null) {
			return false;
		}
		String requestLine = head.substring(0, head.indexOf("\r\n"));
		String path = requestLine.split(" ")[1];
		boolean expectsContinue = header(head, "expect") != null;
		if (path.contains("/continue") && expectsContinue) {
			out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
		}
		ByteArrayOutputStream wire = new ByteArrayOutputStream();
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		String length = header(head, "content-length");
		String encoding = header(head, "transfer-encoding");
		if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
			readChunked(in, wire, body);
		}
		else if (length != null) {
			byte[] fixed = in.readNBytes(Integer.parseInt(length.trim()));
			wire.writeBytes(fixed);
			body.writeBytes(fixed);
		}
		this.requests.add(new Recorded(head, wire.toByteArray(), body.toByteArray()));
		boolean isHead = requestLine.startsWith("HEAD ");
		if (path.contains("/reset")) {
			socket.setSoLinger(true, 0);
			return false;
		}
		if (path.contains("/slow")) {
			sleep(2_000);
		}
		if (path.contains("/early-hints")) {
			out.write("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
				.getBytes(StandardCharsets.US_ASCII));
			out.flush();
		}
		if (path.contains("/chunked")) {
			write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n"
					+ "X-Script: chunked\r\n\r\n");
			if (!isHead) {
				for (String chunk : List.of("first-", "second-", "third")) {
					write(out, Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
					out.flush();
				}
				write(out, "0\r\n\r\n");
			}
			out.flush();
			return true;
		}
		if (path.contains("/large")) {
			write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
					+ LARGE_SIZE + "\r\n\r\n");
			if (!isHead) {
				out.write(large());
			}
			out.flush();
			return true;
		}
		if (path.contains("/close-mid-body")) {
			write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n");
			out.write(new byte[1_000]);
			out.flush();
			return false;
		}
		if (path.contains("/status-503")) {
			write(out, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n"
					+ "Retry-After: 7\r\n\r\n" + (isHead ? "" : "busy"));
			out.flush();
			return true;
		}
		write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + NORMAL_BODY.length
				+ "\r\nConnection: keep-alive, X-Hop\r\nKeep-Alive: timeout=30\r\nX-Hop: hop-only\r\n"
				+ "Set-Cookie: a=1; Path=/\r\nSet-Cookie: b=2; Path=/\r\nX-Upstream: normal\r\n"
				+ "Cache-Control: no-store\r\n\r\n");
		if (!isHead) {
			out.write(NORMAL_BODY);
		}
		out.flush();
		return true;
	}

	static byte[] large() {
		byte[] large = new byte[LARGE_SIZE];
		for (int i = 0; i < large.length; i++) {
			large[i] = (byte) ('a' + i % 26);
		}
		return large;
	}

	private static void write(OutputStream out, String text) throws IOException {
		out.write(text.getBytes(StandardCharsets.ISO_8859_1));
	}

	private static void sleep(long millis) throws IOException {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

	/** The head up to and including the empty line, or null at a clean end of stream. */
	static String readHead(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		int matched = 0;
		byte[] end = { '\r', '\n', '\r', '\n' };
		while (matched < 4) {
			int b = in.read();
			if (b < 0) {
				if (head.size() == 0) {
					return null;
				}
				throw new IOException("connection closed inside a head");
			}
			head.write(b);
			matched = (b == end[matched]) ? matched + 1 : (b == '\r' ? 1 : 0);
		}
		return head.toString(StandardCharsets.ISO_8859_1);
	}

	/** The value of the first header {@code name} (lower case) in {@code head}, or null. */
	static String header(String head, String name) {
		for (String line : head.split("\r\n")) {
			int colon = line.indexOf(':');
			if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
				return line.substring(colon + 1).trim();
			}
		}
		return null;
	}

	/** Reads a chunked body: the wire bytes as received and the decoded body. */
	static void readChunked(InputStream in, ByteArrayOutputStream wire, ByteArrayOutputStream body)
			throws IOException {
		while (true) {
			String sizeLine = readLine(in);
			wire.writeBytes((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
			int semicolon = sizeLine.indexOf(';');
			int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
			if (size == 0) {
				for (String trailer = readLine(in); !trailer.isEmpty(); trailer = readLine(in)) {
					wire.writeBytes((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
				}
				wire.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
				return;
			}
			byte[] chunk = in.readNBytes(size);
			wire.writeBytes(chunk);
			body.writeBytes(chunk);
			wire.writeBytes((readLine(in) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
		}
	}

	static String readLine(InputStream in) throws IOException {
		StringBuilder line = new StringBuilder();
		for (int b = in.read(); b != '\n'; b = in.read()) {
			if (b < 0) {
				throw new IOException("connection closed inside a line");
			}
			if (b != '\r') {
				line.append((char) b);
			}
		}
		return line.toString();
	}

	@Override
	public void close() throws IOException {
		this.server.close();
		for (Socket socket : new ArrayList<>(this.open)) {
			socket.close();
		}
		this.threads.shutdownNow();
		try {
			this.threads.awaitTermination(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
