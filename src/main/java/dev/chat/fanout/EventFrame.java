package dev.chat.fanout;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The one place that knows the pushed frame's shape (API.md, "Real-time"):
 * {@code {"type","roomId"(when room-scoped),"seq"(when it has one),"at","data"}}.
 */
public final class EventFrame {

    private EventFrame() {}

    public static Buffer encode(ObjectMapper mapper, String type, UUID roomId, Long seq, Instant at, Object data) {
        Map<String, Object> frame = new LinkedHashMap<>();
        frame.put("type", type);
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
            throw new IllegalStateException("Event data must be serializable: " + type, e);
        }
    }
}
