package dev.portcullis.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The sessions file written by the auth service's {@code seed-sessions} command, as Gatling
 * feeder records: {@code userId}, {@code email}, {@code password}, {@code access} (empty when
 * seeded without access tokens) and {@code refresh}.
 */
final class Sessions {

	static final String HEADER = "user_id,email,password,access_token,refresh_token";

	private Sessions() {
	}

	/** The first {@code needed} sessions of the file, failing with what to do when there are fewer. */
	static List<Map<String, Object>> read(Path file, int needed) {
		List<String> lines;
		try {
			lines = Files.readAllLines(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read the sessions file " + file, ex);
		}
		if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
			throw new IllegalStateException(file + " is not a sessions file from seed-sessions (header " + HEADER + ")");
		}
		if (lines.size() - 1 < needed) {
			throw new IllegalStateException(file + " holds " + (lines.size() - 1) + " sessions but " + needed
					+ " virtual users need one each: seed at least " + needed + " (seed-sessions --count=" + needed + ")");
		}
		List<Map<String, Object>> records = new ArrayList<>(needed);
		for (String line : lines.subList(1, needed + 1)) {
			String[] fields = line.split(",", -1);
			records.add(Map.of("userId", fields[0], "email", fields[1], "password", fields[2], "access", fields[3], "refresh",
					fields[4]));
		}
		return records;
	}

	/**
	 * {@link #read}, for a scenario that logs in: every record must carry the password, which
	 * seed-sessions writes only with --allow-password-login.
	 */
	static List<Map<String, Object>> readWithPasswords(Path file, int needed) {
		List<Map<String, Object>> records = read(file, needed);
		if (records.stream().anyMatch((record) -> ((String) record.get("password")).isEmpty())) {
			throw new IllegalStateException(file + " has no passwords: its users cannot log in. Seed with "
					+ "seed-sessions --allow-password-login (the password from PORTCULLIS_SEED_PASSWORD, or random)");
		}
		return records;
	}

	/** A feeder handing each record out once, safe to share between scenarios. */
	static Iterator<Map<String, Object>> feeder(List<Map<String, Object>> records) {
		Iterator<Map<String, Object>> queue = records.iterator();
		return new Iterator<>() {

			@Override
			public synchronized boolean hasNext() {
				return queue.hasNext();
			}

			@Override
			public synchronized Map<String, Object> next() {
				return queue.next();
			}

		};
	}

}
