package dev.portcullis.auth.user;

import java.text.Normalizer;
import java.util.Locale;

import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.ErrorCode;

/** One canonical spelling per mailbox: trimmed, Unicode NFKC, lower-cased, checked for shape. */
public final class EmailAddress {

	static final int MAX_LENGTH = 254;

	private EmailAddress() {
	}

	/** The canonical form of {@code raw}, or {@link ErrorCode#INVALID_REQUEST} when it is no address. */
	public static String normalise(String raw) {
		if (raw == null) {
			throw invalid("email is required");
		}
		String email = Normalizer.normalize(raw.strip(), Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
		if (email.isEmpty() || email.length() > MAX_LENGTH) {
			throw invalid("email must be 1 to " + MAX_LENGTH + " characters");
		}
		int at = email.lastIndexOf('@');
		if (at < 1 || at == email.length() - 1 || email.indexOf('@') != at) {
			throw invalid("email must look like name@example.org");
		}
		String domain = email.substring(at + 1);
		if (domain.startsWith(".") || domain.endsWith(".") || domain.contains("..")) {
			throw invalid("email domain is malformed");
		}
		for (int i = 0; i < email.length(); i++) {
			char c = email.charAt(i);
			if (Character.isWhitespace(c) || Character.isISOControl(c) || c == '<' || c == '>' || c == '"' || c == '\\'
					|| Character.getType(c) == Character.FORMAT || Character.isSurrogate(c) && !validSurrogateAt(email, i)) {
				throw invalid("email contains characters that are not allowed");
			}
		}
		return email;
	}

	private static boolean validSurrogateAt(String s, int i) {
		char c = s.charAt(i);
		if (Character.isHighSurrogate(c)) {
			return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
		}
		return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
	}

	private static AuthException invalid(String detail) {
		return new AuthException(ErrorCode.INVALID_REQUEST, detail);
	}

}
