package dev.chat.common;

/**
 * Numeric query parameters, parsed here rather than by the REST layer: JAX-RS answers an unparsable
 * {@code @QueryParam int} with 404, the contract wants 400 naming the parameter.
 */
public final class Params {

    private Params() {}

    public static int intInRange(String name, String value, int defaultValue, int min, int max) {
        if (value == null || value.isEmpty()) {
            return defaultValue;
        }
        long parsed = parseLong(name, value);
        if (parsed < min || parsed > max) {
            throw ProblemException.invalid(name, "must be between " + min + " and " + max);
        }
        return (int) parsed;
    }

    /** An optional non-negative long, or null when absent. */
    public static Long optionalLong(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        long parsed = parseLong(name, value);
        if (parsed < 0) {
            throw ProblemException.invalid(name, "must not be negative");
        }
        return parsed;
    }

    private static long parseLong(String name, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ProblemException.invalid(name, "must be a whole number");
        }
    }
}
