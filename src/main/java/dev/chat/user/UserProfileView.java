package dev.chat.user;

import java.time.Instant;
import java.util.UUID;

/** {@code User} plus presence, as {@code GET /api/users/{id}} answers. */
public record UserProfileView(
        UUID id, String username, String displayName, Instant createdAt, boolean online, Instant lastSeenAt) {}
