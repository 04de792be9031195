package dev.chat.user;

import dev.chat.common.Names;
import dev.chat.common.VisibleName;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

public record UpdateProfileRequest(
        @NotNull @Size(min = 1, max = 64) @VisibleName String displayName) {

    /** Invisible edges go before validation: the stored name is the validated one. */
    public UpdateProfileRequest {
        displayName = Names.clean(displayName);
    }
}
