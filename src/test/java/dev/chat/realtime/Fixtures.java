package dev.chat.realtime;

import dev.chat.support.TestUser;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Room changes straight in SQL, without their events, so that a test can publish events of its own making
 * through the fan-out, or lose one on purpose: a membership added or removed, a stream position taken. The
 * real-time layer reads exactly these tables. Users and rooms come from the API.
 */
final class Fixtures {

    private final Pool pool;

    Fixtures(Pool pool) {
        this.pool = pool;
    }

    /** Adds the member and returns the stream position the change took (as RoomService does). */
    long join(UUID roomId, TestUser user) {
        run(
                "INSERT INTO memberships (room_id, user_id, role, joined_at) VALUES ($1, $2, 'member', now())",
                roomId,
                user);
        return nextPosition(roomId);
    }

    long leave(UUID roomId, TestUser user) {
        run("DELETE FROM memberships WHERE room_id = $1 AND user_id = $2", roomId, user);
        return nextPosition(roomId);
    }

    /** The room's last stream position. */
    long position(UUID roomId) {
        return single("SELECT last_event FROM rooms WHERE id = $1", roomId).getLong(0);
    }

    /** Takes the room's next stream position, as every room-changing transaction does. */
    long nextPosition(UUID roomId) {
        return single("UPDATE rooms SET last_event = last_event + 1 WHERE id = $1 RETURNING last_event", roomId)
                .getLong(0);
    }

    OffsetDateTime lastSeenAt(TestUser user) {
        return single("SELECT last_seen_at FROM users WHERE id = $1", user.uuid())
                .getOffsetDateTime(0);
    }

    /** A statement on the user's membership of the room. */
    private void run(String sql, UUID roomId, TestUser user) {
        pool.preparedQuery(sql).execute(Tuple.of(roomId, user.uuid())).await().indefinitely();
    }

    /** The one row a statement on one id answers. */
    private Row single(String sql, UUID id) {
        return pool.preparedQuery(sql)
                .execute(Tuple.of(id))
                .await()
                .indefinitely()
                .iterator()
                .next();
    }
}
