package dev.chat.room;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

public record RenameRoomRequest(
        @NotNull
        @Size(min = 1, max = 100)
        @Pattern(regexp = "(?sU).*\\S.*", message = "must not be blank")
        @Schema(pattern = "\\S", description = "Not blank.", examples = "Team")
        String name) {}
