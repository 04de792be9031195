package dev.chat.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.chat.common.ProblemException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The room list's cursor: what it encodes survives the round trip; anything else is a 400 on `cursor`. */
class RoomCursorTest {

    @Test
    void shouldRoundTripAtMillisecondPrecision() {
        RoomCursor cursor = new RoomCursor(Instant.ofEpochMilli(1_764_000_000_123L), UUID.randomUUID());
        assertEquals(cursor, RoomCursor.decode(cursor.encode()));
    }

    @Test
    void shouldReadNoCursorAsTheFirstPage() {
        assertNull(RoomCursor.decode(null));
        assertNull(RoomCursor.decode(""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"%%%", "bm90IGEgY3Vyc29y", ":", "12:", ":" + "00000000-0000-0000-0000-000000000000"})
    void shouldRefuseWhatItDidNotIssue(String cursor) {
        assertInvalid(cursor);
    }

    @Test
    void shouldRefuseWellFormedButWrongParts() {
        assertInvalid(encoded("x:" + UUID.randomUUID()));
        assertInvalid(encoded("12:not-a-uuid-but-thirty-six-chars-xx"));
        assertInvalid(encoded("99999999999999999999:" + UUID.randomUUID()));
        // Valid Instants, but outside what PostgreSQL stores: they must not reach the query.
        assertInvalid(encoded(Long.MAX_VALUE + ":" + UUID.randomUUID()));
        assertInvalid(encoded("-1:" + UUID.randomUUID()));
    }

    private static void assertInvalid(String cursor) {
        ProblemException e = assertThrows(ProblemException.class, () -> RoomCursor.decode(cursor));
        assertEquals(400, e.status());
        assertEquals("cursor", e.toProblem().errors().get(0).field());
    }

    private static String encoded(String raw) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }
}
