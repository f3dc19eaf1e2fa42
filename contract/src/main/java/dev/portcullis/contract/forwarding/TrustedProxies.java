package dev.portcullis.contract.forwarding;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Who the client is, given the TCP peer, its {@code X-Forwarded-For} and the proxies whose word
 * is believed; both apps decide it here.
 *
 * <p>The header is read from the right: each proxy appends the address it accepted the
 * connection from, so the right-most entry is what the peer says, the one before it what the
 * proxy before the peer says, and so on. The walk goes left while the address it reached is a
 * trusted proxy; the first address that is not one is the client. Everything to its left was
 * written by the client itself and is never looked at. An entry that is not a strict IP literal
 * ({@link IpLiteral}) stops the walk at the trusted proxy that wrote it: that proxy is as far
 * as the chain can be followed. A peer that is not trusted is the client, whatever it sends.
 */
public final class TrustedProxies {

	/** The proxies trusted when none are configured on an app that trusts loopback. */
	public static final List<String> LOOPBACK = List.of("127.0.0.0/8", "::1");

	/** The request header read. */
	public static final String X_FORWARDED_FOR = "X-Forwarded-For";

	private static final TrustedProxies NONE = new TrustedProxies(List.of());

	private final List<Block> blocks;

	private TrustedProxies(List<Block> blocks) {
		this.blocks = List.copyOf(blocks);
	}

	/** No proxy is trusted: the TCP peer is always the client. */
	public static TrustedProxies none() {
		return NONE;
	}

	/**
	 * @param cidrs address blocks such as {@code 10.0.0.0/8} or {@code 2001:db8::/32}, or single
	 * addresses
	 * @return the trusted proxies
	 * @throws IllegalArgumentException naming the first entry that is not such a block
	 */
	public static TrustedProxies of(Collection<String> cidrs) {
		List<Block> blocks = new ArrayList<>();
		for (String cidr : cidrs) {
			blocks.add(Block.parse(cidr));
		}
		return blocks.isEmpty() ? NONE : new TrustedProxies(blocks);
	}

	public boolean isEmpty() {
		return this.blocks.isEmpty();
	}

	public boolean contains(InetAddress address) {
		for (Block block : this.blocks) {
			if (block.contains(address)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * @param peer the address the connection came from
	 * @param forwardedFor the request's {@code X-Forwarded-For} values, as received (each may
	 * hold several comma-separated entries)
	 * @return the client's address; the peer unless the peer is a trusted proxy that says
	 * otherwise
	 */
	public InetAddress client(InetAddress peer, List<String> forwardedFor) {
		if (peer == null || forwardedFor.isEmpty() || !contains(peer)) {
			return peer;
		}
		InetAddress reached = peer;
		for (int v = forwardedFor.size() - 1; v >= 0; v--) {
			String value = forwardedFor.get(v);
			int end = value.length();
			while (end >= 0) {
				int comma = value.lastIndexOf(',', end - 1);
				InetAddress entry = IpLiteral.parse(value.substring(comma + 1, end).strip());
				if (entry == null) {
					return reached;
				}
				reached = entry;
				if (!contains(entry)) {
					return entry;
				}
				end = comma;
			}
		}
		// every hop is a trusted proxy: the left-most is as far as anyone can tell
		return reached;
	}

	@Override
	public String toString() {
		return this.blocks.toString();
	}

	/** An address and how many of its leading bits a member shares. */
	private record Block(byte[] network, int prefix, String text) {

		static Block parse(String cidr) {
			String text = (cidr != null) ? cidr.strip() : "";
			int slash = text.indexOf('/');
			InetAddress address = IpLiteral.parse((slash >= 0) ? text.substring(0, slash) : text);
			if (address == null) {
				throw new IllegalArgumentException("'" + cidr + "' is not an IP address or CIDR block such as"
						+ " 10.0.0.0/8, 192.0.2.7 or 2001:db8::/32");
			}
			byte[] network = address.getAddress();
			int bits = network.length * 8;
			int prefix = bits;
			if (slash >= 0) {
				String length = text.substring(slash + 1);
				if (!length.matches("[0-9]{1,3}") || Integer.parseInt(length) > bits) {
					throw new IllegalArgumentException("'" + cidr + "' has a prefix length that is not 0 to " + bits);
				}
				prefix = Integer.parseInt(length);
			}
			Block block = new Block(network, prefix, text);
			if (hostBits(network, prefix)) {
				throw new IllegalArgumentException("'" + cidr + "' has bits set after its first " + prefix
						+ ": write the block's first address");
			}
			return block;
		}

		boolean contains(InetAddress address) {
			byte[] candidate = address.getAddress();
			if (candidate.length == 16 && this.network.length == 4 && isIpv4Mapped(candidate)) {
				// a dual-stack socket may report an IPv4 peer as ::ffff:a.b.c.d
				candidate = Arrays.copyOfRange(candidate, 12, 16);
			}
			if (candidate.length != this.network.length) {
				return false;
			}
			int whole = this.prefix / 8;
			for (int i = 0; i < whole; i++) {
				if (candidate[i] != this.network[i]) {
					return false;
				}
			}
			int rest = this.prefix % 8;
			if (rest == 0) {
				return true;
			}
			int mask = (0xff << (8 - rest)) & 0xff;
			return (candidate[whole] & mask) == (this.network[whole] & mask);
		}

		private static boolean isIpv4Mapped(byte[] address) {
			for (int i = 0; i < 10; i++) {
				if (address[i] != 0) {
					return false;
				}
			}
			return address[10] == (byte) 0xff && address[11] == (byte) 0xff;
		}

		private static boolean hostBits(byte[] network, int prefix) {
			for (int bit = prefix; bit < network.length * 8; bit++) {
				if ((network[bit / 8] & (0x80 >> (bit % 8))) != 0) {
					return true;
				}
			}
			return false;
		}

		@Override
		public String toString() {
			return this.text;
		}

	}

}
