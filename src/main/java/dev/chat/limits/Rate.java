package dev.chat.limits;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A token bucket: {@code burst} requests at once, refilled at {@code permits} per {@code period}. Written in
 * settings as {@code <permits>/<period>[ burst <n>]}, the period as {@code 1s}, {@code 10m}, {@code 1h} or
 * ISO-8601 ({@code PT1M}); without a burst the bucket holds {@code permits}. {@code 10/1s burst 30} is 10 per
 * second sustained with 30 at once; {@code 10/1m} is 10 per minute, all of which may come at once.
 */
public record Rate(long permits, Duration period, long burst) {

    private static final Pattern SYNTAX = Pattern.compile(
            "\\s*(\\d+)\\s*/\\s*(\\d+[smhd]|P\\S+)\\s*(?:burst\\s+(\\d+))?\\s*", Pattern.CASE_INSENSITIVE);

    public Rate {
        if (permits < 1 || burst < 1 || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("a rate needs permits >= 1, burst >= 1 and a positive period");
        }
    }

    /** The settings syntax; SmallRye Config finds this method by name and converts settings with it. */
    public static Rate parse(CharSequence text) {
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "not a rate: '" + text + "'; expected e.g. '10/1s burst 30' or '10/1m' or '5/PT1H'");
        }
        long permits = Long.parseLong(m.group(1));
        long burst = m.group(3) != null ? Long.parseLong(m.group(3)) : permits;
        return new Rate(permits, period(m.group(2)), burst);
    }

    /**
     * Time between two permits, in microseconds: the "emission interval" of the generic cell rate algorithm
     * both limiters run. Microseconds keep 10 000 per second exact and fit Redis' Lua numbers (doubles).
     */
    public long intervalMicros() {
        return Math.max(1, period.toNanos() / 1000 / permits);
    }

    /** How far ahead of now the bucket's "full again" time may run before requests are refused. */
    public long toleranceMicros() {
        return intervalMicros() * (burst - 1);
    }

    private static Duration period(String text) {
        if (text.toUpperCase(Locale.ROOT).startsWith("P")) {
            return Duration.parse(text);
        }
        long amount = Long.parseLong(text.substring(0, text.length() - 1));
        return switch (Character.toLowerCase(text.charAt(text.length() - 1))) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    @Override
    public String toString() {
        return permits + "/" + period + " burst " + burst;
    }
}
