package dev.chat.room;

import dev.chat.common.Names;
import dev.chat.common.VisibleName;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

public record RenameRoomRequest(
        @NotNull
        @Size(min = 1, max = 100)
        @VisibleName
        @Schema(pattern = "\\S", description = "Not blank.", examples = "Team")
        String name) {

    /** Invisible edges go before validation: the stored name is the validated one. */
    public RenameRoomRequest {
        name = Names.clean(name);
    }
}
