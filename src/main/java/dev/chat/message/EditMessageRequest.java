package dev.chat.message;

import jakarta.validation.constraints.NotNull;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

public record EditMessageRequest(
        @NotNull
        @Schema(pattern = "\\S", minLength = 1, maxLength = 4000, description = "1-4000 characters, not blank.")
        String body) {}
