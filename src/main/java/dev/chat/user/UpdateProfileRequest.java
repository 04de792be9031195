package dev.chat.user;

import dev.chat.common.Names;
import dev.chat.common.VisibleName;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

public record UpdateProfileRequest(
        @NotNull @Size(min = 1, max = 64) @VisibleName @Schema(pattern = "\\S", examples = "Alice")
        String displayName) {

    /** Invisible edges go before validation: the stored name is the validated one. */
    public UpdateProfileRequest {
        displayName = Names.clean(displayName);
    }
}
