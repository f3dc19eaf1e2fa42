package dev.portcullis.gateway.differential;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One request written byte for byte on a fresh connection to a gateway, and everything the
 * gateway answered: interim (1xx) responses, the final status line, the header lines as sent
 * (names lower-cased: HTTP reads them case-insensitively), the body (decoded when chunked) and
 * whether the answer ended early.
 */
final class RawExchange {

	/** Response headers whose value differs between any two answers: left out of comparisons. */
	static final Set<String> NONDETERMINISTIC_RESPONSE_HEADERS = Set.of("date");

	private RawExchange() {
	}

	/**
	 * What the client saw.
	 * @param interim the status lines of 1xx responses, in order
	 * @param statusLine the final status line
	 * @param headers the final header lines in order, names lower-cased, without the
	 * nondeterministic ones
	 * @param body the body bytes (decoded when chunked)
	 * @param chunked whether the body came chunked
	 * @param truncated whether the connection ended before the body did
	 */
	record Response(List<String> interim, String statusLine, List<String> headers, byte[] body, boolean chunked,
			boolean truncated) {

		int status() {
			return Integer.parseInt(this.statusLine.split(" ")[1]);
		}

		/** Everything compared; a body cut short only by the fact, not by how much got through. */
		String describe() {
			String content = this.truncated ? "body cut short"
					: "body(" + this.body.length + ")=" + preview(this.body) + " chunked=" + this.chunked;
			return "interim=" + this.interim + " " + this.statusLine + " " + this.headers + " " + content;
		}

	}

	static String preview(byte[] body) {
		String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.ISO_8859_1);
		return body.length > 200 ? text + "…" : text;
	}

	/**
	 * Sends {@code head} (a complete request head) and then {@code body}; when the head expects
	 * {@code 100-continue}, waits up to 2 s for an interim answer first (a client sends the body
	 * after that wait either way, RFC 9110 §10.1.1).
	 */
	static Response send(int port, String head, byte[] body, boolean isHead) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(8_000);
			OutputStream out = socket.getOutputStream();
			InputStream in = new BufferedInputStream(socket.getInputStream());
			out.write(head.getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			List<String> interim = new ArrayList<>();
			boolean expects = head.toLowerCase(Locale.ROOT).contains("\r\nexpect: 100-continue\r\n");
			if (expects) {
				socket.setSoTimeout(2_000);
				try {
					in.mark(1 << 16);
					String first = RecordingUpstream.readHead(in);
					if (first != null && first.startsWith("HTTP/1.1 1")) {
						interim.add(first.substring(0, first.indexOf("\r\n")));
					}
					else {
						in.reset();
					}
				}
				catch (SocketTimeoutException ex) {
					// no interim answer within the wait: the body goes anyway
					in.reset();
				}
				socket.setSoTimeout(8_000);
			}
			out.write(body);
			out.flush();
			return read(in, interim, isHead);
		}
	}

	private static Response read(InputStream in, List<String> interim, boolean isHead) throws IOException {
		String head;
		try {
			head = RecordingUpstream.readHead(in);
			while (head != null && head.startsWith("HTTP/1.1 1")) {
				interim.add(head.substring(0, head.indexOf("\r\n")));
				head = RecordingUpstream.readHead(in);
			}
		}
		catch (SocketTimeoutException ex) {
			// a gateway that never answers is an outcome to compare like any other
			return new Response(interim, "(no answer within 8 s)", List.of(), new byte[0], false, true);
		}
		if (head == null) {
			return new Response(interim, "(connection closed)", List.of(), new byte[0], false, true);
		}
		String[] lines = head.split("\r\n");
		List<String> headers = new ArrayList<>();
		for (int i = 1; i < lines.length; i++) {
			String name = lines[i].substring(0, Math.max(lines[i].indexOf(':'), 0)).toLowerCase(Locale.ROOT);
			if (!NONDETERMINISTIC_RESPONSE_HEADERS.contains(name)) {
				// names compared as HTTP reads them, case-insensitively (RFC 9110 §5.1); values exactly
				headers.add(name + lines[i].substring(name.length()));
			}
		}
		int status = Integer.parseInt(lines[0].split(" ")[1]);
		String length = RecordingUpstream.header(head, "content-length");
		String encoding = RecordingUpstream.header(head, "transfer-encoding");
		boolean chunked = encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked");
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		boolean truncated = false;
		if (isHead || status == 204 || status == 304) {
			return new Response(interim, lines[0], headers, new byte[0], chunked, false);
		}
		try {
			if (chunked) {
				RecordingUpstream.readChunked(in, new ByteArrayOutputStream(), body);
			}
			else if (length != null) {
				int expected = Integer.parseInt(length.trim());
				byte[] got = in.readNBytes(expected);
				body.writeBytes(got);
				truncated = got.length < expected;
			}
			else {
				body.writeBytes(in.readAllBytes());
			}
		}
		catch (IOException ex) {
			// a reset or close inside the body: what arrived is compared, and the early end
			truncated = true;
		}
		return new Response(interim, lines[0], headers, body.toByteArray(), chunked, truncated);
	}

}
