package dev.chat.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The contract writes times with milliseconds, always: also a time that falls on a whole second, which
 * Jackson's own Instant serializer writes without a fraction. REST bodies and pushed frames share this mapper.
 */
@QuarkusTest
class JsonTimesTest {

    @Inject
    ObjectMapper mapper;

    @Test
    void shouldWriteMillisecondsEvenOnAWholeSecond() throws Exception {
        assertEquals("\"2026-11-27T01:02:03.000Z\"", mapper.writeValueAsString(Instant.parse("2026-11-27T01:02:03Z")));
        assertEquals(
                "\"2026-11-27T01:02:03.456Z\"", mapper.writeValueAsString(Instant.parse("2026-11-27T01:02:03.456Z")));
    }
}
