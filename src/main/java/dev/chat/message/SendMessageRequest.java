package dev.chat.message;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.UUID;

/** The body's 1-4000 bound counts characters (code points), so it is checked by {@link MessageBodies}. */
public record SendMessageRequest(
        @NotNull @Pattern(regexp = "(?sU).*\\S.*", message = "must not be blank")
        String body,

        @Size(min = 1, max = 64) String clientMessageId,
        UUID replyToId) {}
