package dev.chat.room;

import dev.chat.common.Names;
import dev.chat.common.VisibleName;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

public record RenameRoomRequest(
        @NotNull @Size(min = 1, max = 100) @VisibleName String name) {

    /** Invisible edges go before validation: the stored name is the validated one. */
    public RenameRoomRequest {
        name = Names.clean(name);
    }
}
