package dev.chat.common;

import java.util.UUID;

/** Ids are opaque UUID strings on the wire; a malformed one is the client's mistake (400), never a 404 or 500. */
public final class Ids {

    private Ids() {}

    public static UUID parse(String field, String value) {
        if (value == null || value.length() != 36) {
            throw ProblemException.invalid(field, "must be a UUID");
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalid(field, "must be a UUID");
        }
    }
}
