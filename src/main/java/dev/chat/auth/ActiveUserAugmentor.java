package dev.chat.auth;

import dev.chat.common.Caller;
import dev.chat.common.ChatConfig;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An access token is a signed statement about a user, valid for its lifetime even if the user is gone: this
 * refuses the tokens of a deleted account (401) wherever an identity is established (REST, and the HTTP
 * upgrade of /ws), by a primary-key lookup of the user.
 *
 * <p>A user found to exist is remembered for {@code chat.auth.active-user-ttl} (default 2 s) on this instance:
 * that lookup was half the database work of a trivial authenticated request such as {@code GET
 * /api/users/me} (two round trips where one will do). The price is that a deletion takes up to that long to
 * refuse the account's tokens on every instance. Only existence is remembered, never absence: a refused token
 * is looked up each time, and an unknown user id cannot fill the memory (it is bounded besides).
 */
@ApplicationScoped
public class ActiveUserAugmentor implements SecurityIdentityAugmentor {

    private static final String EXISTS = "SELECT 1 FROM users WHERE id = $1";

    /** About 100 bytes per user: 100 000 remembered users are 10 MB. Past it the expired ones go first. */
    private static final int MAX_REMEMBERED = 100_000;

    private final Pool pool;
    private final long ttlNanos;
    private final Map<UUID, Long> existsUntil = new ConcurrentHashMap<>();

    ActiveUserAugmentor(Pool pool, ChatConfig config) {
        this.pool = pool;
        this.ttlNanos = config.auth().activeUserTtl().toNanos();
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
        long now = System.nanoTime();
        Long until = existsUntil.get(userId);
        if (until != null && now - until < 0) {
            return Uni.createFrom().item(identity);
        }
        return pool.preparedQuery(EXISTS).execute(Tuple.of(userId)).map(rows -> {
            if (rows.size() == 0) {
                existsUntil.remove(userId);
                throw new AuthenticationFailedException("the token's user no longer exists");
            }
            remember(userId, now);
            return identity;
        });
    }

    private void remember(UUID userId, long now) {
        if (ttlNanos <= 0) {
            return;
        }
        if (existsUntil.size() >= MAX_REMEMBERED) {
            existsUntil.values().removeIf(until -> now - until >= 0);
            if (existsUntil.size() >= MAX_REMEMBERED) {
                existsUntil.clear();
            }
        }
        existsUntil.put(userId, now + ttlNanos);
    }
}
