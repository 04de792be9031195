package dev.chat.fanout;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Connection counts of this instance only; also what a Redis-backed ledger falls back on while Redis is down. */
@ApplicationScoped
@Typed(LocalPresenceLedger.class)
public class LocalPresenceLedger implements PresenceLedger {

    private final ConcurrentMap<UUID, Long> connections = new ConcurrentHashMap<>();

    @Override
    public Uni<Long> connected(UUID userId) {
        return Uni.createFrom().item(count(userId, 1));
    }

    @Override
    public Uni<Long> disconnected(UUID userId) {
        return Uni.createFrom().item(count(userId, -1));
    }

    @Override
    public Uni<Long> connections(UUID userId) {
        return Uni.createFrom().item(connections.getOrDefault(userId, 0L));
    }

    /** A copy of every user's count. */
    Map<UUID, Long> counts() {
        return Map.copyOf(connections);
    }

    long count(UUID userId, long delta) {
        Long after = connections.compute(userId, (id, count) -> {
            long next = (count == null ? 0 : count) + delta;
            return next > 0 ? next : null;
        });
        return after == null ? 0 : after;
    }
}
