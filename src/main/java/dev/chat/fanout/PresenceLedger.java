package dev.chat.fanout;

import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Who is online, counted in connections across every instance: a user is online while that count is above
 * zero. The answers tell the caller whether it saw the change that must be announced (the first connection
 * anywhere, the last one anywhere), so that exactly one instance announces it.
 */
public interface PresenceLedger {

    /** Counts a connection; the user's connections anywhere after it (1: the user just came online). */
    Uni<Long> connected(UUID userId);

    /** Uncounts a connection; the user's connections left anywhere (0: the user just went offline). */
    Uni<Long> disconnected(UUID userId);

    /**
     * The user's counted connections anywhere (a closed one counts on for {@code chat.presence.offline-grace}),
     * without changing them: what the per-user connection cap reads.
     */
    Uni<Long> connections(UUID userId);

    /** Online: at least one counted connection anywhere. */
    default Uni<Boolean> isOnline(UUID userId) {
        return connections(userId).map(count -> count > 0);
    }

    /**
     * Called with the users who went offline because the instance that held their connections died
     * (redis mode only: a lone instance that dies takes its users' presence with it).
     */
    default void onExpired(Consumer<List<UUID>> wentOffline) {}
}
