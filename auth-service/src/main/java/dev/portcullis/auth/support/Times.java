package dev.portcullis.auth.support;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import io.r2dbc.spi.Readable;

/** Instants to and from {@code timestamptz} columns, in a form every R2DBC driver we support maps. */
public final class Times {

	private Times() {
	}

	public static OffsetDateTime db(Instant instant) {
		return (instant != null) ? instant.atOffset(ZoneOffset.UTC) : null;
	}

	public static Instant instant(Readable row, String column) {
		OffsetDateTime value = row.get(column, OffsetDateTime.class);
		return (value != null) ? value.toInstant() : null;
	}

}
