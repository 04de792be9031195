package dev.chat.realtime;

import dev.chat.fanout.RoomEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The latest ordered events a hub has seen, of every room, whether or not it had a dispatcher for the room
 * then: a connection whose room snapshot is a few positions behind the dispatcher, or a dispatcher that
 * starts while later events already went by, catches up from here instead of going back to the database.
 * Bounded by count and by bytes; it holds references to frames that exist anyway.
 */
final class RecentEvents {

    private final int maxEvents;
    private final long maxBytes;
    private final ArrayDeque<RoomEvent> order = new ArrayDeque<>();
    private final Map<UUID, ArrayDeque<RoomEvent>> byRoom = new HashMap<>();
    private long bytes;

    RecentEvents(int maxEvents, long maxBytes) {
        this.maxEvents = maxEvents;
        this.maxBytes = maxBytes;
    }

    void add(RoomEvent event) {
        order.addLast(event);
        byRoom.computeIfAbsent(event.roomId(), id -> new ArrayDeque<>()).addLast(event);
        bytes += size(event);
        while (order.size() > maxEvents || bytes > maxBytes) {
            RoomEvent oldest = order.removeFirst();
            bytes -= size(oldest);
            ArrayDeque<RoomEvent> room = byRoom.get(oldest.roomId());
            room.removeFirst(); // both queues are in arrival order, so it is this room's oldest too
            if (room.isEmpty()) {
                byRoom.remove(oldest.roomId());
            }
        }
    }

    /** The room's events after {@code position}, in arrival order (not necessarily position order). */
    List<RoomEvent> after(UUID roomId, long position) {
        ArrayDeque<RoomEvent> room = byRoom.get(roomId);
        List<RoomEvent> found = new ArrayList<>();
        if (room != null) {
            for (RoomEvent event : room) {
                if (event.position() > position) {
                    found.add(event);
                }
            }
        }
        return found;
    }

    /**
     * Every event of the room in {@code (from, to]}, in position order, or null when any one of them is no
     * longer (or not yet) here.
     */
    List<RoomEvent> between(UUID roomId, long from, long to) {
        int wanted = Math.toIntExact(to - from);
        RoomEvent[] found = new RoomEvent[wanted];
        int count = 0;
        ArrayDeque<RoomEvent> room = byRoom.get(roomId);
        if (room != null) {
            for (RoomEvent event : room) {
                long p = event.position();
                if (p > from && p <= to && found[(int) (p - from - 1)] == null) {
                    found[(int) (p - from - 1)] = event;
                    count++;
                }
            }
        }
        return count == wanted ? List.of(found) : null;
    }

    int size() {
        return order.size();
    }

    private static long size(RoomEvent event) {
        return 64 + (event.frame() == null ? 0 : event.frame().length());
    }
}
