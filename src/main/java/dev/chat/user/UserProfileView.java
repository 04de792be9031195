package dev.chat.user;

import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code User} plus presence, as {@code GET /api/users/{id}} answers. */
@Schema(name = "UserProfile")
public record UserProfileView(
        UUID id,
        @Schema(examples = "alice") String username,
        @Schema(examples = "Alice") String displayName,
        Instant createdAt,

        @Schema(description = "Whether the user has an open WebSocket connection on any instance.")
        boolean online,

        @Schema(
                type = SchemaType.STRING,
                format = "date-time",
                nullable = true,
                description =
                        "Now while online; when the last connection closed otherwise; null if never" + " connected.")
        Instant lastSeenAt) {}
