package dev.chat.auth;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;

@ApplicationScoped
public class RefreshTokenRepository implements PanacheRepositoryBase<RefreshToken, UUID> {

    public Uni<RefreshToken> findByHash(byte[] hash) {
        return find("tokenHash", hash).firstResult();
    }

    /**
     * Marks a live token as rotated. The conditional update is the race guard: of two concurrent
     * refreshes with one token exactly one sees 1, the other is treated as a re-use.
     */
    public Uni<Integer> markRotated(UUID id, Instant now) {
        return update(
                "rotatedAt = :now where id = :id and rotatedAt is null and revokedAt is null and expiresAt > :now",
                Parameters.with("now", now).and("id", id));
    }

    public Uni<Integer> revokeFamily(UUID familyId, Instant now) {
        return update(
                "revokedAt = :now where familyId = :family and revokedAt is null",
                Parameters.with("now", now).and("family", familyId));
    }
}
