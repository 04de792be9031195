package dev.chat.user;

import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The contract's {@code User}. */
@Schema(name = "User")
public record UserView(
        UUID id,

        @Schema(description = "3-32 of `[A-Za-z0-9_.-]`, always lower-case; unique.", examples = "alice")
        String username,

        @Schema(description = "1-64 characters; the username unless set.", examples = "Alice")
        String displayName,

        Instant createdAt) {

    public static UserView of(User user) {
        return new UserView(user.id, user.username, user.displayName, user.createdAt);
    }
}
