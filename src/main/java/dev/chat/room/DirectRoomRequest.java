package dev.chat.room;

import jakarta.validation.constraints.NotNull;
import java.util.UUID;

public record DirectRoomRequest(@NotNull UUID userId) {}
