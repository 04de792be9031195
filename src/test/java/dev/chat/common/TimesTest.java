package dev.chat.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Times.format writes what the contract's pattern does, for any instant: the digit-by-digit path and the rest. */
class TimesTest {

    private static final DateTimeFormatter CONTRACT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    @Test
    void shouldWriteWhatTheContractsPatternWritesForEveryInstant() {
        SplittableRandom random = new SplittableRandom(42);
        long min = Instant.parse("-0100-01-01T00:00:00Z").getEpochSecond();
        long max = Instant.parse("+10100-01-01T00:00:00Z").getEpochSecond();
        for (int i = 0; i < 100_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(min, max), random.nextInt(1_000_000_000));
            assertEquals(CONTRACT.format(t), Times.format(t), t.toString());
        }
    }

    @Test
    void shouldWriteTheEdgesOfTheDigitByDigitRangeAndSubMillisecondTruncation() {
        for (String t : new String[] {
            "0000-01-01T00:00:00Z",
            "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59.999999999Z",
            "2024-02-29T12:34:56.789Z",
            "2026-11-27T01:02:03.000500Z",
            "9999-12-31T23:59:59.999Z",
            "+10000-01-01T00:00:00Z",
            "-0001-12-31T23:59:59.999Z"
        }) {
            Instant instant = Instant.parse(t);
            assertEquals(CONTRACT.format(instant), Times.format(instant), t);
        }
    }
}
