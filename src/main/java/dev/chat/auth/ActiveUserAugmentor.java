package dev.chat.auth;

import dev.chat.common.Caller;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * An access token is a signed statement about a user, valid for its lifetime even if the user is gone: this
 * refuses the tokens of a deleted account (401) wherever an identity is established (REST, and the HTTP
 * upgrade of /ws). One primary-key lookup per authenticated request; no cache, so a deletion takes effect
 * at once on every instance.
 */
@ApplicationScoped
public class ActiveUserAugmentor implements SecurityIdentityAugmentor {

    private static final String EXISTS = "SELECT 1 FROM users WHERE id = $1";

    private final Pool pool;

    ActiveUserAugmentor(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous()) {
            return Uni.createFrom().item(identity);
        }
        UUID userId;
        try {
            userId = Caller.userIdOf(identity);
        } catch (IllegalArgumentException e) { // a subject that is no user id: not one of our tokens
            return Uni.createFrom().failure(new AuthenticationFailedException("the token names no user"));
        }
        return pool.preparedQuery(EXISTS).execute(Tuple.of(userId)).map(rows -> {
            if (rows.size() == 0) {
                throw new AuthenticationFailedException("the token's user no longer exists");
            }
            return identity;
        });
    }
}
