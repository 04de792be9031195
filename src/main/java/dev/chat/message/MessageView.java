package dev.chat.message;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The contract's {@code Message}. A deleted message is a tombstone: {@code deleted: true, body: null}. */
@RegisterForReflection // serialized into pushed events by ObjectMapper, also in native images
@Schema(name = "Message")
public record MessageView(
        UUID id,
        UUID roomId,

        @Schema(description = "Per room, from 1, strictly increasing with no gaps, in commit order.", examples = "42")
        long seq,

        UUID senderId,

        @Schema(nullable = true, description = "1-4000 characters; null once deleted.", examples = "Hello!")
        String body,

        @Schema(nullable = true, description = "The sender's idempotency key, if it gave one.")
        String clientMessageId,

        @Schema(
                type = SchemaType.STRING,
                format = "uuid",
                nullable = true,
                description = "The message this one answers, if any.")
        UUID replyToId,

        Instant createdAt,

        @Schema(
                type = SchemaType.STRING,
                format = "date-time",
                nullable = true,
                description = "When the body was last edited; null if never.")
        Instant editedAt,

        boolean deleted) {}
