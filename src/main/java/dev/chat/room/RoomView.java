package dev.chat.room;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.UUID;

/** The contract's {@code Room}. */
@RegisterForReflection // serialized into pushed events by ObjectMapper, also in native images
public record RoomView(UUID id, String type, String name, Instant createdAt, long lastSeq, int memberCount) {

    public static RoomView of(Room room) {
        return new RoomView(room.id, room.type, room.name, room.createdAt, room.lastSeq, room.memberCount);
    }
}
