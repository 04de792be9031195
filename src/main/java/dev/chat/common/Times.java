package dev.chat.common;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/** The contract's time format: ISO-8601 UTC with milliseconds, e.g. {@code 2026-11-27T01:02:03.456Z}. */
public final class Times {

    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Times() {}

    /** Now, at the precision the contract shows, so a stored and a returned value are equal. */
    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    /**
     * Written digit by digit for years 1-9999 (every time the service stores), by {@link #FORMAT} otherwise, with
     * the same text either way. Why not the formatter alone: every message of a history page has one or two
     * times, and the formatter's generic machinery was a tenth of the CPU of a page (profile.sh history).
     */
    public static String format(Instant instant) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), instant.getNano(), ZoneOffset.UTC);
        int year = t.getYear();
        if (year < 1 || year > 9999) { // the pattern writes the year of the era: year 0 is 1 BC, "0001"
            return FORMAT.format(instant);
        }
        char[] out = "0000-00-00T00:00:00.000Z".toCharArray();
        digits(out, 0, 4, year);
        digits(out, 5, 2, t.getMonthValue());
        digits(out, 8, 2, t.getDayOfMonth());
        digits(out, 11, 2, t.getHour());
        digits(out, 14, 2, t.getMinute());
        digits(out, 17, 2, t.getSecond());
        digits(out, 20, 3, t.getNano() / 1_000_000);
        return new String(out);
    }

    /** Writes {@code value} as {@code width} decimal digits ending before {@code at + width}. */
    private static void digits(char[] out, int at, int width, int value) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }
}
