package dev.chat.user;

import java.time.Instant;
import java.util.UUID;

/** The contract's {@code User}. */
public record UserView(UUID id, String username, String displayName, Instant createdAt) {

    public static UserView of(User user) {
        return new UserView(user.id, user.username, user.displayName, user.createdAt);
    }
}
