package dev.portcullis.contract.forwarding;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Reads an IP address written out as text, strictly and without a name lookup: an IPv4 dotted
 * quad of four decimal parts (no leading zeros, which some parsers read as octal) or an IPv6
 * literal (RFC 4291 section 2.2, with an optional trailing dotted quad; no zone, no brackets, no
 * port). Anything else, {@code 1.2}, {@code 12345}, a host name, is not an address.
 */
public final class IpLiteral {

	private static final int MAX_LENGTH = 45;

	private IpLiteral() {
	}

	/**
	 * @param text what a header or a setting says
	 * @return the address, or {@code null} when the text is not exactly an IP literal
	 */
	public static InetAddress parse(String text) {
		if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) {
			return null;
		}
		byte[] bytes = (text.indexOf(':') >= 0) ? ipv6(text) : ipv4(text);
		if (bytes == null) {
			return null;
		}
		try {
			// from bytes: never a lookup
			return InetAddress.getByAddress(bytes);
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException("16 or 4 bytes are always an address", ex);
		}
	}

	private static byte[] ipv4(String text) {
		byte[] bytes = new byte[4];
		int part = 0;
		int start = 0;
		for (int i = 0; i <= text.length(); i++) {
			if (i == text.length() || text.charAt(i) == '.') {
				if (part == 4) {
					return null;
				}
				int value = decimalOctet(text, start, i);
				if (value < 0) {
					return null;
				}
				bytes[part++] = (byte) value;
				start = i + 1;
			}
		}
		return (part == 4) ? bytes : null;
	}

	private static int decimalOctet(String text, int from, int to) {
		int length = to - from;
		if (length < 1 || length > 3 || (length > 1 && text.charAt(from) == '0')) {
			return -1;
		}
		int value = 0;
		for (int i = from; i < to; i++) {
			char c = text.charAt(i);
			if (c < '0' || c > '9') {
				return -1;
			}
			value = value * 10 + (c - '0');
		}
		return (value <= 255) ? value : -1;
	}

	private static byte[] ipv6(String text) {
		int gap = text.indexOf("::");
		if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
			return null;
		}
		String head = (gap >= 0) ? text.substring(0, gap) : text;
		String tail = (gap >= 0) ? text.substring(gap + 2) : "";
		int[] headGroups = groups(head, gap < 0);
		int[] tailGroups = groups(tail, true);
		if (headGroups == null || tailGroups == null) {
			return null;
		}
		int total = headGroups.length + tailGroups.length;
		if ((gap < 0 && total != 8) || (gap >= 0 && total > 7)) {
			return null;
		}
		byte[] bytes = new byte[16];
		int offset = 0;
		for (int group : headGroups) {
			bytes[offset++] = (byte) (group >> 8);
			bytes[offset++] = (byte) group;
		}
		offset = 16 - 2 * tailGroups.length;
		for (int group : tailGroups) {
			bytes[offset++] = (byte) (group >> 8);
			bytes[offset++] = (byte) group;
		}
		return bytes;
	}

	/**
	 * The 16-bit groups of one side of {@code ::}, a trailing dotted quad counting as two.
	 * @param lastSide whether a dotted quad may end this side
	 */
	private static int[] groups(String side, boolean lastSide) {
		if (side.isEmpty()) {
			return new int[0];
		}
		String[] parts = side.split(":", -1);
		int quad = (lastSide && parts[parts.length - 1].indexOf('.') >= 0) ? 1 : 0;
		int[] groups = new int[parts.length + quad];
		for (int i = 0; i < parts.length - quad; i++) {
			int value = hexGroup(parts[i]);
			if (value < 0) {
				return null;
			}
			groups[i] = value;
		}
		if (quad == 1) {
			byte[] v4 = ipv4(parts[parts.length - 1]);
			if (v4 == null) {
				return null;
			}
			groups[parts.length - 1] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
			groups[parts.length] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
		}
		return groups;
	}

	private static int hexGroup(String part) {
		if (part.isEmpty() || part.length() > 4) {
			return -1;
		}
		int value = 0;
		for (int i = 0; i < part.length(); i++) {
			int digit = Character.digit(part.charAt(i), 16);
			if (digit < 0 || part.charAt(i) > 'f') {
				return -1;
			}
			value = (value << 4) | digit;
		}
		return value;
	}

}
