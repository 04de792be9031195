package dev.chat.message;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.UUID;

/** The contract's {@code Message}. A deleted message is a tombstone: {@code deleted: true, body: null}. */
@RegisterForReflection // serialized into pushed events by ObjectMapper, also in native images
public record MessageView(
        UUID id,
        UUID roomId,
        long seq,
        UUID senderId,
        String body,
        String clientMessageId,
        UUID replyToId,
        Instant createdAt,
        Instant editedAt,
        boolean deleted) {}
