package dev.chat.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.chat.fanout.RoomEvent;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RecentEventsTest {

    private final UUID room = UUID.randomUUID();
    private final UUID other = UUID.randomUUID();

    @Test
    void shouldReturnAContiguousRangeInPositionOrderWhateverTheArrivalOrder() {
        RecentEvents recent = new RecentEvents(10, 1 << 20);
        recent.add(event(room, 3));
        recent.add(event(other, 1));
        recent.add(event(room, 2));
        List<RoomEvent> range = recent.between(room, 1, 3);
        assertEquals(List.of(2L, 3L), range.stream().map(RoomEvent::position).toList());
        assertNull(recent.between(room, 0, 3), "position 1 was never seen");
    }

    @Test
    void shouldForgetTheOldestPastItsBounds() {
        RecentEvents byCount = new RecentEvents(2, 1 << 20);
        byCount.add(event(room, 1));
        byCount.add(event(room, 2));
        byCount.add(event(room, 3));
        assertEquals(2, byCount.size());
        assertNull(byCount.between(room, 0, 3));
        assertEquals(2, byCount.between(room, 1, 3).size());

        RecentEvents byBytes = new RecentEvents(100, 200);
        byBytes.add(event(room, 1));
        byBytes.add(event(room, 2));
        assertEquals(1, byBytes.size());
        assertEquals(
                List.of(2L),
                byBytes.after(room, 0).stream().map(RoomEvent::position).toList());
    }

    private static RoomEvent event(UUID room, long position) {
        return RoomEvent.change(room, position, Buffer.buffer("x".repeat(100)));
    }
}
