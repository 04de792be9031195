package dev.chat.fanout;

import io.vertx.core.buffer.Buffer;
import java.util.UUID;

/**
 * A {@link ChatEvent} as it travels to the dispatchers: routing facts plus the WebSocket frame, serialized
 * exactly once at publication and written as the same bytes to every recipient.
 */
public record RoomEnvelope(String type, UUID roomId, Long seq, UUID exceptUserId, UUID subjectUserId, Buffer frame) {}
