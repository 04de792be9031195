package dev.chat.auth;

import dev.chat.common.ChatConfig;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Deletes refresh tokens that can never be used again: those past their expiry, and whole sessions that
 * were revoked or outlived their absolute lifetime (their tokens go with them, ON DELETE CASCADE). A rotated
 * but unexpired token stays: presenting it again is how re-use is detected.
 *
 * <p>Each instance runs it every {@code chat.sessions.purge-interval}. Every statement deletes at most
 * {@link #BATCH} rows found through an index ({@code refresh_tokens_expires}, {@code token_families_expires},
 * {@code token_families_revoked}), skipping rows another instance is deleting, and repeats while it finds a
 * full batch: short transactions, no table scan, no contention between instances.
 */
@ApplicationScoped
public class TokenPurge {

    private static final Logger LOG = Logger.getLogger(TokenPurge.class);
    static final int BATCH = 1000;

    static final List<String> STATEMENTS = List.of("""
            DELETE FROM token_families WHERE id IN (
                SELECT id FROM token_families WHERE revoked_at IS NOT NULL LIMIT 1000 FOR UPDATE SKIP LOCKED)""", """
            DELETE FROM token_families WHERE id IN (
                SELECT id FROM token_families WHERE expires_at < $1 LIMIT 1000 FOR UPDATE SKIP LOCKED)""", """
            DELETE FROM refresh_tokens WHERE id IN (
                SELECT id FROM refresh_tokens WHERE expires_at < $1 LIMIT 1000 FOR UPDATE SKIP LOCKED)""");

    private final Pool pool;
    private final Vertx vertx;
    private final ChatConfig.Sessions config;

    TokenPurge(Pool pool, Vertx vertx, ChatConfig config) {
        this.pool = pool;
        this.vertx = vertx;
        this.config = config.sessions();
    }

    void schedule(@Observes StartupEvent start) {
        vertx.setPeriodic(
                config.purgeInterval().toMillis(),
                id -> purge().subscribe()
                        .with(
                                deleted -> LOG.debugf("Purged %d refresh-token rows", deleted),
                                failure -> LOG.warnf(
                                        "Refresh-token purge failed, next try in %s: %s",
                                        config.purgeInterval(), failure.getMessage())));
    }

    /** One full purge; the number of rows deleted. */
    public Uni<Long> purge() {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Uni<Long> total = Uni.createFrom().item(0L);
        for (String sql : STATEMENTS) {
            total = total.chain(sum -> drain(sql, now).map(deleted -> sum + deleted));
        }
        return total;
    }

    private Uni<Long> drain(String sql, OffsetDateTime now) {
        Tuple params = sql.contains("$1") ? Tuple.of(now) : Tuple.tuple();
        return pool.preparedQuery(sql)
                .execute(params)
                .chain(rows -> rows.rowCount() < BATCH
                        ? Uni.createFrom().item((long) rows.rowCount())
                        : drain(sql, now).map(more -> more + rows.rowCount()));
    }
}
