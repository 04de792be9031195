package dev.chat.auth;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * A session: what one login starts and every refresh continues. Its row is the lock that serializes the
 * family's refreshes and revocations, and it carries the session's absolute end.
 */
@Entity
@Table(name = "token_families")
public class TokenFamily {

    @Id
    public UUID id;

    @Column(name = "user_id", nullable = false)
    public UUID userId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** The session ends here however often it was refreshed ({@code chat.sessions.absolute-lifetime}). */
    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    boolean isLive(Instant now) {
        return revokedAt == null && expiresAt.isAfter(now);
    }
}
