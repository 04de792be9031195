package dev.chat.auth;

import dev.chat.common.Names;
import dev.chat.common.VisibleName;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request bodies of the auth endpoints, with the contract's bounds. */
public final class AuthRequests {

    private AuthRequests() {}

    @Schema(name = "RegisterRequest")
    public record Register(
            @NotNull
            @Pattern(regexp = "[A-Za-z0-9_.-]{3,32}", message = "must be 3-32 of A-Z a-z 0-9 _ . -")
            @Schema(
                    pattern = "^[A-Za-z0-9_.-]{3,32}$",
                    description = "Case-insensitive: stored and returned lower-case.",
                    examples = "alice")
            String username,

            @NotNull @Size(min = 8, max = 128) String password,

            @Size(min = 1, max = 64)
            @VisibleName
            @Schema(pattern = "\\S", description = "Not blank; defaults to the username.", examples = "Alice")
            String displayName) {

        /** Invisible edges go before validation: the stored name is the validated one. */
        public Register {
            displayName = Names.clean(displayName);
        }
    }

    /** Login checks no format: a malformed username is simply unknown, and gets the same 401. */
    @Schema(name = "LoginRequest")
    public record Login(
            @NotNull @Size(max = 128) String username,
            @NotNull @Size(max = 128) String password) {}

    @Schema(name = "RefreshRequest")
    public record Refresh(@NotBlank @Size(max = 256) String refreshToken) {}
}
