package dev.chat.fanout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The one place that knows the pushed frame's shape (API.md, "Real-time"):
 * {@code {"type","roomId"(when room-scoped),"seq"(when it has one),"at","data"}}. Each event is encoded
 * once, by its publisher; every instance and every connection gets these same bytes.
 */
@ApplicationScoped
public class EventFrame {

    private final ObjectMapper mapper;

    EventFrame(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** A {@code message.*} frame: room-scoped, with the message's {@code seq}. */
    public Buffer message(EventType type, UUID roomId, long seq, Instant at, Object data) {
        return encode(type, roomId, seq, at, data);
    }

    /** A room-scoped frame of any other type: it has no {@code seq}. */
    public Buffer room(EventType type, UUID roomId, Instant at, Object data) {
        return encode(type, roomId, null, at, data);
    }

    /** A frame that belongs to no room ({@code ready}, {@code presence}). */
    public Buffer user(EventType type, Instant at, Object data) {
        return encode(type, null, null, at, data);
    }

    private Buffer encode(EventType type, UUID roomId, Long seq, Instant at, Object data) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", type.wire());
        if (roomId != null) {
            frame.put("roomId", roomId);
        }
        if (seq != null) {
            frame.put("seq", seq);
        }
        frame.put("at", at);
        frame.put("data", data);
        try {
            return Buffer.buffer(mapper.writeValueAsBytes(frame));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Event data must be serializable: " + type.wire(), e);
        }
    }
}
