package dev.portcullis.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The addresses a TCP port is listening on, as the kernel reports them ({@code ss -ltn} reads the
 * same tables): {@code /proc/net/tcp} and {@code /proc/net/tcp6}. Linux only; callers skip
 * elsewhere when {@link #available()} is false.
 */
public final class ListeningSockets {

	private static final Path TCP = Path.of("/proc/net/tcp");

	private static final Path TCP6 = Path.of("/proc/net/tcp6");

	/** The kernel's TCP_LISTEN state, as written in the tables. */
	private static final String LISTEN = "0A";

	private ListeningSockets() {
	}

	/**
	 * Whether this system reports its sockets where {@link #addressesOf} reads them.
	 * @return true on Linux with /proc mounted
	 */
	public static boolean available() {
		return Files.isReadable(TCP);
	}

	/**
	 * Every local address with a socket listening on {@code port}.
	 * @param port a TCP port
	 * @return the addresses, e.g. {@code 127.0.0.1} or {@code ::} (every address); empty if none
	 * @throws IOException when the tables cannot be read
	 */
	public static List<InetAddress> addressesOf(int port) throws IOException {
		List<InetAddress> addresses = new ArrayList<>();
		for (Path table : List.of(TCP, TCP6)) {
			if (!Files.isReadable(table)) {
				continue;
			}
			for (String line : Files.readAllLines(table)) {
				InetAddress address = listeningAddress(line, port);
				if (address != null) {
					addresses.add(address);
				}
			}
		}
		return addresses;
	}

	/**
	 * The local address of one table line if it is a socket listening on {@code port}.
	 * @param line e.g. {@code "0: 0100007F:1F90 00000000:0000 0A ..."}
	 * @param port the port wanted
	 * @return the address, or null for the header, another port or a socket not listening
	 */
	static InetAddress listeningAddress(String line, int port) {
		String[] fields = line.trim().split("\\s+");
		if (fields.length < 4 || !fields[0].endsWith(":") || !LISTEN.equals(fields[3])) {
			return null;
		}
		int colon = fields[1].indexOf(':');
		if (Integer.parseInt(fields[1].substring(colon + 1), 16) != port) {
			return null;
		}
		return address(fields[1].substring(0, colon));
	}

	/** The table's hex: the address as 32-bit words, each in the host's byte order. */
	private static InetAddress address(String hex) {
		byte[] raw = HexFormat.of().parseHex(hex);
		if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
			for (int word = 0; word < raw.length; word += 4) {
				for (int i = 0; i < 2; i++) {
					byte swap = raw[word + i];
					raw[word + i] = raw[word + 3 - i];
					raw[word + 3 - i] = swap;
				}
			}
		}
		try {
			return InetAddress.getByAddress(raw);
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException("Not an address in the socket table: " + hex, ex);
		}
	}

}
