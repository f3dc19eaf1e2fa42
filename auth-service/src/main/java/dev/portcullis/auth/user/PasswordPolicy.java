package dev.portcullis.auth.user;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import dev.portcullis.auth.AuthException;
import dev.portcullis.auth.ErrorCode;

import org.springframework.stereotype.Component;

/**
 * NIST SP 800-63B style password rules: 8 to 128 characters (code points) and not one of the
 * 10 000 most common passwords. No composition rules.
 */
@Component
public class PasswordPolicy {

	static final int MIN_LENGTH = 8;

	static final int MAX_LENGTH = 128;

	private static final String LIST = "common-passwords.txt";

	private final Set<String> common;

	public PasswordPolicy() {
		this.common = load();
	}

	/** Throws {@link ErrorCode#WEAK_PASSWORD} (or {@link ErrorCode#INVALID_REQUEST} when absent). */
	public void check(String password) {
		if (password == null) {
			throw new AuthException(ErrorCode.INVALID_REQUEST, "password is required");
		}
		int length = password.codePointCount(0, password.length());
		if (length < MIN_LENGTH || length > MAX_LENGTH) {
			throw new AuthException(ErrorCode.WEAK_PASSWORD,
					"password must be " + MIN_LENGTH + " to " + MAX_LENGTH + " characters long");
		}
		if (this.common.contains(password.toLowerCase(Locale.ROOT))) {
			throw new AuthException(ErrorCode.WEAK_PASSWORD, "password is among the most common passwords; choose another");
		}
	}

	int size() {
		return this.common.size();
	}

	private static Set<String> load() {
		Set<String> words = new HashSet<>(16384);
		try (InputStream in = PasswordPolicy.class.getResourceAsStream(LIST)) {
			if (in == null) {
				throw new IllegalStateException("The common-password list " + LIST + " is missing from the classpath");
			}
			BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
			for (String line = reader.readLine(); line != null; line = reader.readLine()) {
				if (!line.isBlank() && !line.startsWith("#")) {
					words.add(line.strip().toLowerCase(Locale.ROOT));
				}
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not read the common-password list", ex);
		}
		return Set.copyOf(words);
	}

}
