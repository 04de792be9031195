package dev.chat.realtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.chat.common.Times;
import dev.chat.fanout.EventFrame;
import dev.chat.fanout.EventType;
import dev.chat.room.RoomService;
import io.vertx.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The frames the real-time layer writes itself (room events arrive serialized by their publisher). Pong and
 * the error are the contract's literals, shared by every connection.
 */
@ApplicationScoped
public class Frames {

    static final Buffer PONG = Buffer.buffer("{\"type\":\"pong\"}");
    static final Buffer UNSUPPORTED = Buffer.buffer("{\"type\":\"error\",\"data\":{\"code\":\"unsupported\"}}");

    private final ObjectMapper mapper;
    private final EventFrame frames;

    Frames(ObjectMapper mapper, EventFrame frames) {
        this.mapper = mapper;
        this.frames = frames;
    }

    Buffer ready(UUID userId, String connectionId) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("userId", userId);
        data.put("connectionId", connectionId);
        return frames.user(EventType.READY, Times.now(), data);
    }

    /** {@code lastSeenAt} is now for an online user, as GET /api/users/{id} shows it, else when they left. */
    Buffer presence(UUID userId, boolean online, Instant lastSeenAt) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("userId", userId);
        data.put("online", online);
        data.put("lastSeenAt", lastSeenAt);
        return frames.user(EventType.PRESENCE, lastSeenAt, data);
    }

    /** For a member whom a re-read of the room found removed, the event itself having been lost. */
    Buffer memberRemoved(UUID roomId, UUID userId) {
        return frames.room(
                EventType.MEMBER_REMOVED, roomId, Times.now(), new RoomService.MemberRemoved(roomId, userId));
    }

    /** The only client frame the contract knows: {@code {"type":"ping"}}. Anything else is unsupported. */
    boolean isPing(String text) {
        try {
            JsonNode node = mapper.readTree(text);
            return node != null
                    && node.isObject()
                    && "ping".equals(node.path("type").textValue());
        } catch (JsonProcessingException e) {
            return false;
        }
    }
}
