package dev.chat.room;

import dev.chat.common.ProblemException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * The room list's keyset cursor: the (last_activity, id) of the last room of a page, as an opaque
 * base64url string. Activity times are stored at millisecond precision (Times.now()), so the millisecond
 * value compares exactly. A room whose activity changes between two page requests moves to the top and is
 * neither repeated nor lost from the pages still to come, unless it was already behind the cursor.
 */
record RoomCursor(Instant lastActivity, UUID id) {

    /**
     * Activity times are real clock readings. A forged cursor far outside them would be a valid Instant but
     * out of PostgreSQL's timestamp range, failing the query instead of the request.
     */
    private static final long LATEST_MILLIS =
            Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli();

    String encode() {
        String raw = lastActivity.toEpochMilli() + ":" + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** Null for no cursor (the first page); 400 naming {@code cursor} for anything this class did not make. */
    static RoomCursor decode(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            int colon = raw.indexOf(':');
            String id = raw.substring(colon + 1);
            if (colon < 1 || id.length() != 36) {
                throw invalid();
            }
            long millis = Long.parseLong(raw.substring(0, colon));
            if (millis < 0 || millis > LATEST_MILLIS) {
                throw invalid();
            }
            return new RoomCursor(Instant.ofEpochMilli(millis), UUID.fromString(id));
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            throw invalid();
        }
    }

    private static ProblemException invalid() {
        return ProblemException.invalid("cursor", "is not a cursor this service issued");
    }
}
