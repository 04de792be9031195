package dev.chat.realtime;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The real-time layer's two statements, on the plain reactive client: they run on the hub's event loop,
 * outside any Hibernate session, once per connection (never per event or per recipient).
 */
@ApplicationScoped
public class RealtimeQueries {

    /** A room of the user and its last seq, from which the room's delivery order starts. */
    record RoomSeq(UUID roomId, long lastSeq) {}

    private final Pool pool;

    RealtimeQueries(Pool pool) {
        this.pool = pool;
    }

    /** All rooms of the user with their last seq, in one query (memberships_user index). */
    Uni<List<RoomSeq>> roomsOf(UUID userId) {
        return pool.preparedQuery("SELECT r.id, r.last_seq FROM memberships m JOIN rooms r ON r.id = m.room_id"
                        + " WHERE m.user_id = $1")
                .execute(Tuple.of(userId))
                .map(rows -> {
                    List<RoomSeq> rooms = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        rooms.add(new RoomSeq(row.getUUID(0), row.getLong(1)));
                    }
                    return rooms;
                });
    }

    Uni<Void> touchLastSeen(UUID userId, Instant at) {
        return pool.preparedQuery("UPDATE users SET last_seen_at = $2 WHERE id = $1")
                .execute(Tuple.of(userId, at.atOffset(ZoneOffset.UTC)))
                .replaceWithVoid();
    }
}
