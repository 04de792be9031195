package dev.chat.auth;

import dev.chat.user.UserView;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The contract's {@code Tokens}; {@code expiresIn} is the access token's lifetime in seconds. */
public record Tokens(
        UserView user,

        @Schema(description = "RS256 JWT for `Authorization: Bearer`; its `sub` is the user id.")
        String accessToken,

        @Schema(description = "Opaque, single use: refreshing rotates it.")
        String refreshToken,

        @Schema(description = "Lifetime of the access token in seconds.", examples = "900")
        long expiresIn) {}
