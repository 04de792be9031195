package dev.chat.message;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

public record EditMessageRequest(
        @NotNull @Pattern(regexp = "(?sU).*\\S.*", message = "must not be blank")
        String body) {}
