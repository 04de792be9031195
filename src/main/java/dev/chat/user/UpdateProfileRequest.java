package dev.chat.user;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

public record UpdateProfileRequest(
        @NotBlank @Size(min = 1, max = 64) @Schema(pattern = "\\S", examples = "Alice")
        String displayName) {}
