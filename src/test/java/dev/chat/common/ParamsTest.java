package dev.chat.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Query parameters: a default when absent, a 400 naming the parameter when wrong, never a 404 or 500. */
class ParamsTest {

    @Test
    void shouldTakeTheDefaultWhenAbsent() {
        assertEquals(50, Params.intInRange("limit", null, 50, 1, 100));
        assertEquals(50, Params.intInRange("limit", "", 50, 1, 100));
        assertNull(Params.optionalLong("after", null));
    }

    @Test
    void shouldAcceptTheBoundsThemselves() {
        assertEquals(1, Params.intInRange("limit", "1", 50, 1, 100));
        assertEquals(100, Params.intInRange("limit", "100", 50, 1, 100));
        assertEquals(0L, Params.optionalLong("after", "0"));
        assertEquals(Long.MAX_VALUE, Params.optionalLong("after", String.valueOf(Long.MAX_VALUE)));
    }

    @Test
    void shouldNameTheParameterOfEveryRefusal() {
        assertInvalid("limit", "must be between 1 and 100", () -> Params.intInRange("limit", "0", 50, 1, 100));
        assertInvalid("limit", "must be between 1 and 100", () -> Params.intInRange("limit", "101", 50, 1, 100));
        // Beyond int: must not wrap around into the range.
        assertInvalid("limit", "must be between 1 and 100", () -> Params.intInRange("limit", "4294967346", 50, 1, 100));
        assertInvalid("limit", "must be a whole number", () -> Params.intInRange("limit", "1.5", 50, 1, 100));
        assertInvalid("after", "must be a whole number", () -> Params.optionalLong("after", "99999999999999999999"));
        assertInvalid("after", "must be a whole number", () -> Params.optionalLong("after", "ten"));
        assertInvalid("after", "must not be negative", () -> Params.optionalLong("after", "-1"));
    }

    private static void assertInvalid(String field, String message, Runnable parse) {
        ProblemException e = assertThrows(ProblemException.class, parse::run);
        assertEquals(400, e.status());
        Problem.FieldError error = e.toProblem().errors().get(0);
        assertEquals(field, error.field());
        assertEquals(message, error.message());
    }
}
