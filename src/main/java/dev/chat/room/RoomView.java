package dev.chat.room;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The contract's {@code Room}. */
@RegisterForReflection // serialized into pushed events by ObjectMapper, also in native images
@Schema(name = "Room")
public record RoomView(
        UUID id,
        RoomType type,

        @Schema(nullable = true, description = "1-100 characters; null for a direct room.", examples = "Team")
        String name,

        Instant createdAt,

        @Schema(description = "The seq of the room's latest message; 0 before the first.")
        long lastSeq,

        int memberCount) {

    public static RoomView of(Room room) {
        return new RoomView(room.id, room.type, room.name, room.createdAt, room.lastSeq, room.memberCount);
    }
}
