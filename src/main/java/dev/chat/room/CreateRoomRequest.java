package dev.chat.room;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A group room. {@code memberIds} may be omitted (a room of one) and may name the creator (ignored);
 * 500 is a sanity bound on one request, not a room size limit.
 */
public record CreateRoomRequest(
        @NotNull
        @Size(min = 1, max = 100)
        @Pattern(regexp = "(?sU).*\\S.*", message = "must not be blank")
        @Schema(pattern = "\\S", description = "Not blank.", examples = "Team")
        String name,

        @Schema(description = "Other members; may be omitted, may name the creator (ignored).") @Size(max = 500)
        List<@NotNull UUID> memberIds) {}
