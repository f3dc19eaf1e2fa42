package dev.portcullis.testsupport;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * One HTTP/1.1 connection driven byte by byte, for what an HTTP client library hides: several
 * requests in one write, and answers read in order on the same connection.
 */
public final class RawHttpConnection implements AutoCloseable {

	private final Socket socket;

	private final OutputStream out;

	private final InputStream in;

	/**
	 * Connects to {@code 127.0.0.1:port}.
	 * @param port the server's port
	 * @param readTimeout how long one read may wait; past it the read fails
	 * @throws IOException when the connection cannot be made
	 */
	public RawHttpConnection(int port, Duration readTimeout) throws IOException {
		this.socket = new Socket("127.0.0.1", port);
		this.socket.setSoTimeout((int) readTimeout.toMillis());
		this.out = this.socket.getOutputStream();
		this.in = new BufferedInputStream(this.socket.getInputStream());
	}

	/**
	 * Writes {@code requests}, each a complete request head ending in an empty line, in one write.
	 * @param requests the raw requests
	 * @throws IOException when the write fails
	 */
	public void send(String... requests) throws IOException {
		this.out.write(String.join("", requests).getBytes(StandardCharsets.US_ASCII));
		this.out.flush();
	}

	/**
	 * Reads the next response whole (by {@code Content-Length} or chunked) and returns its status.
	 * @return the status code
	 * @throws IOException when the connection closes or a read times out first
	 */
	public int readStatus() throws IOException {
		String statusLine = readLine();
		int status = Integer.parseInt(statusLine.split(" ")[1]);
		long length = 0;
		boolean chunked = false;
		for (String header = readLine(); !header.isEmpty(); header = readLine()) {
			String lower = header.toLowerCase(Locale.ROOT);
			if (lower.startsWith("content-length:")) {
				length = Long.parseLong(lower.substring("content-length:".length()).trim());
			}
			else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
				chunked = true;
			}
		}
		if (chunked) {
			for (long size = Long.parseLong(readLine().trim(), 16); size > 0; size = Long.parseLong(readLine().trim(), 16)) {
				skip(size);
				readLine();
			}
			readLine();
		}
		else {
			skip(length);
		}
		return status;
	}

	/**
	 * Waits, up to the read timeout, for the server to close the connection.
	 * @return true when the server closed it (or reset it), false when the read timed out first
	 * @throws IOException when the server sent data instead
	 */
	public boolean closedByServer() throws IOException {
		try {
			int b = this.in.read();
			if (b >= 0) {
				throw new IOException("The server sent data instead of closing: " + (char) b);
			}
			return true;
		}
		catch (java.net.SocketTimeoutException ex) {
			return false;
		}
		catch (java.net.SocketException ex) {
			return ex.getMessage() != null && ex.getMessage().contains("reset");
		}
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

	private String readLine() throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		for (int b = this.in.read(); b != '\n'; b = this.in.read()) {
			if (b < 0) {
				throw new IOException("The connection closed mid-response");
			}
			if (b != '\r') {
				line.write(b);
			}
		}
		return line.toString(StandardCharsets.US_ASCII);
	}

	private void skip(long bytes) throws IOException {
		for (long left = bytes; left > 0; left--) {
			if (this.in.read() < 0) {
				throw new IOException("The connection closed mid-body");
			}
		}
	}

}
