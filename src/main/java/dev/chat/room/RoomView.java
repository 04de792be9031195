package dev.chat.room;

import java.time.Instant;
import java.util.UUID;

/** The contract's {@code Room}. */
public record RoomView(UUID id, String type, String name, Instant createdAt, long lastSeq, int memberCount) {

    public static RoomView of(Room room) {
        return new RoomView(room.id, room.type, room.name, room.createdAt, room.lastSeq, room.memberCount);
    }
}
