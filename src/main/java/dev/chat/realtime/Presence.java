package dev.chat.realtime;

import dev.chat.common.ChatConfig;
import dev.chat.common.Times;
import dev.chat.fanout.Fanout;
import dev.chat.fanout.PresenceEvent;
import dev.chat.fanout.PresenceLedger;
import dev.chat.user.PresenceLookup;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Who is online, cluster-wide: a user is online while they have a connection on any instance. The ledger
 * ({@link PresenceLedger}: this process, or Redis) counts connections and tells which instance saw the
 * first or the last one, and that instance announces the change once, through the fan-out, to the rooms
 * the user is in.
 *
 * <p>A closed connection still counts for {@code chat.presence.offline-grace}: reloads and reconnect
 * storms (every member of a big room reconnecting after an instance went away) announce nothing at all,
 * instead of two frames per user to every room-mate's connection, N² frames for a room of N. The offline
 * frame, when it comes, says when the user really left.
 */
@ApplicationScoped
public class Presence implements PresenceLookup {

    private static final Logger LOG = Logger.getLogger(Presence.class);

    private final PresenceLedger ledger;
    private final Fanout fanout;
    private final Frames frames;
    private final RealtimeQueries queries;
    private final Vertx vertx;
    private final ChatConfig.Presence config;

    Presence(
            PresenceLedger ledger,
            Fanout fanout,
            Frames frames,
            RealtimeQueries queries,
            Vertx vertx,
            ChatConfig config) {
        this.ledger = ledger;
        this.fanout = fanout;
        this.frames = frames;
        this.queries = queries;
        this.vertx = vertx;
        this.config = config.presence();
    }

    void start(@Observes StartupEvent start) {
        ledger.onExpired(this::expired);
    }

    @Override
    public Uni<Boolean> isOnline(UUID userId) {
        return ledger.isOnline(userId);
    }

    /** Whether presence goes unannounced through a room of this size ({@code chat.presence.max-room-size}). */
    boolean isCrowded(int memberCount) {
        return memberCount > config.maxRoomSize();
    }

    /** A connection is ready; {@code roomIds}: the user's rooms from its snapshot, but the crowded ones. */
    void connected(UUID userId, List<UUID> roomIds) {
        ledger.connected(userId).subscribe().with(connections -> {
            if (connections == 1) {
                announce(userId, true, Times.now(), roomIds);
            }
        });
    }

    /** A counted connection closed; {@code roomIds}: the rooms it was receiving. */
    void disconnected(UUID userId, List<UUID> roomIds) {
        Instant left = Times.now();
        long grace = config.offlineGrace().toMillis();
        if (grace <= 0) {
            uncount(userId, roomIds, left);
        } else {
            vertx.setTimer(grace, id -> uncount(userId, roomIds, left));
        }
    }

    private void uncount(UUID userId, List<UUID> roomIds, Instant left) {
        ledger.disconnected(userId).subscribe().with(connections -> {
            if (connections == 0) {
                wentOffline(userId, roomIds, left);
            }
        });
    }

    /** Users of an instance that died; this instance won the sweep and announces them. */
    private void expired(List<UUID> users) {
        Instant now = Times.now();
        for (UUID userId : users) {
            queries.presenceRoomsOf(userId, config.maxRoomSize())
                    .subscribe()
                    .with(
                            roomIds -> wentOffline(userId, roomIds, now),
                            failure -> LOG.warnf(failure, "Could not announce user %s offline", userId));
        }
    }

    private void wentOffline(UUID userId, List<UUID> roomIds, Instant left) {
        announce(userId, false, left, roomIds);
        queries.touchLastSeen(userId, left)
                .subscribe()
                .with(ok -> {}, failure -> LOG.warnf(failure, "Could not record last seen of user %s", userId));
    }

    private void announce(UUID userId, boolean online, Instant at, List<UUID> roomIds) {
        if (!roomIds.isEmpty()) {
            fanout.publish(new PresenceEvent(userId, online, roomIds, frames.presence(userId, online, at)));
        }
    }
}
