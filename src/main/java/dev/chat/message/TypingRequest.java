package dev.chat.message;

import jakarta.validation.constraints.NotNull;

public record TypingRequest(@NotNull Boolean typing) {}
