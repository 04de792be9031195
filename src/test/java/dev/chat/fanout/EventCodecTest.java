package dev.chat.fanout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The Redis payload: what goes in comes out, the frame's bytes untouched. */
class EventCodecTest {

    private final UUID origin = UUID.randomUUID();

    @Test
    void shouldRoundTripEveryKindOfRoomEvent() {
        UUID room = UUID.randomUUID();
        UUID user = UUID.randomUUID();
        Buffer frame = Buffer.buffer("{\"type\":\"message.created\",\"data\":{\"body\":\"h\u00e9\"}}");
        for (RoomEvent event : List.of(
                RoomEvent.change(room, 7, frame),
                RoomEvent.silent(room, 8),
                RoomEvent.memberAdded(room, 9, user, frame),
                RoomEvent.memberJoinedAtCreation(room, 1, user, frame),
                RoomEvent.memberRemoved(room, 10, user, frame),
                RoomEvent.signal(room, 10, user, frame))) {
            EventCodec.Decoded decoded = EventCodec.decode(EventCodec.encode(origin, event));
            assertEquals(origin, decoded.origin());
            assertNull(decoded.presence());
            assertEquals(event, decoded.room());
        }
    }

    @Test
    void shouldRoundTripPresence() {
        PresenceEvent event = new PresenceEvent(
                UUID.randomUUID(), true, List.of(UUID.randomUUID(), UUID.randomUUID()), Buffer.buffer("{}"));
        EventCodec.Decoded decoded = EventCodec.decode(EventCodec.encode(origin, event));
        assertEquals(event, decoded.presence());
    }

    @Test
    void shouldRefuseBytesItDidNotWrite() {
        assertThrows(IllegalArgumentException.class, () -> EventCodec.decode(Buffer.buffer("hello")));
        Buffer truncated = EventCodec.encode(origin, RoomEvent.silent(UUID.randomUUID(), 1))
                .slice(0, 20);
        assertThrows(IllegalArgumentException.class, () -> EventCodec.decode(truncated));
    }
}
