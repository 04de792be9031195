package dev.chat.auth;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.util.UUID;

@ApplicationScoped
public class TokenFamilyRepository implements PanacheRepositoryBase<TokenFamily, UUID> {

    /**
     * {@code SELECT ... FOR UPDATE}: the family's refreshes, re-use revocations and logouts run one after
     * the other. Each statement after it sees what the one before committed, so a revocation always reaches
     * a token minted by a refresh that got the lock first, and a refresh that comes second sees the family
     * revoked.
     */
    public Uni<TokenFamily> lock(UUID familyId) {
        return findById(familyId, LockModeType.PESSIMISTIC_WRITE);
    }
}
