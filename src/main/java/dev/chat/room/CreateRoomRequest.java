package dev.chat.room;

import dev.chat.common.Names;
import dev.chat.common.VisibleName;
import jakarta.validation.constraints.NotNull;
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
        @VisibleName
        @Schema(pattern = "\\S", description = "Not blank.", examples = "Team")
        String name,

        @Schema(description = "Other members; may be omitted, may name the creator (ignored).") @Size(max = 500)
        List<@NotNull UUID> memberIds) {

    /** Invisible edges go before validation: the stored name is the validated one. */
    public CreateRoomRequest {
        name = Names.clean(name);
    }
}
