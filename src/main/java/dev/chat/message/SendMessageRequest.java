package dev.chat.message;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The body's 1-4000 bound counts characters (code points), so it is checked by {@link MessageBodies}. */
public record SendMessageRequest(
        @NotNull
        @Schema(pattern = "\\S", minLength = 1, maxLength = 4000, description = "1-4000 characters, not blank.")
        String body,

        @Size(min = 1, max = 64)
        @Schema(
                description = "Idempotency key: the same one again from the same sender in the same room answers 200"
                        + " with the original message.")
        String clientMessageId,

        @Schema(description = "A message of the same room.") UUID replyToId) {}
