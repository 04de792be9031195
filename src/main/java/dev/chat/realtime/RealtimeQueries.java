package dev.chat.realtime;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * What the real-time layer reads from PostgreSQL, on the plain reactive client: once per connection (its
 * rooms), and after a lost event (a room's members); never per event or per recipient. Each is a single
 * statement, so what it returns is one consistent snapshot, and the stream position it reads tells the
 * dispatchers exactly which events it already reflects.
 */
@ApplicationScoped
public class RealtimeQueries {

    /** A room of the user and the stream position its membership was read at. */
    record RoomPosition(UUID roomId, long position, int memberCount) {}

    /** A room's members at a stream position. */
    record RoomState(long position, Set<UUID> members) {}

    private final Pool pool;

    RealtimeQueries(Pool pool) {
        this.pool = pool;
    }

    /** All rooms of the user with their positions, in one query (memberships_user index). */
    Uni<List<RoomPosition>> roomsOf(UUID userId) {
        return pool.preparedQuery(
                        "SELECT r.id, r.last_event, r.member_count FROM memberships m JOIN rooms r ON r.id = m.room_id"
                                + " WHERE m.user_id = $1")
                .execute(Tuple.of(userId))
                .map(rows -> {
                    List<RoomPosition> rooms = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        rooms.add(new RoomPosition(row.getUUID(0), row.getLong(1), row.getInteger(2)));
                    }
                    return rooms;
                });
    }

    /** The user's rooms that presence is announced through: those of at most {@code maxMembers} members. */
    Uni<List<UUID>> presenceRoomsOf(UUID userId, int maxMembers) {
        return pool.preparedQuery("SELECT m.room_id FROM memberships m JOIN rooms r ON r.id = m.room_id"
                        + " WHERE m.user_id = $1 AND r.member_count <= $2")
                .execute(Tuple.of(userId, maxMembers))
                .map(rows -> {
                    List<UUID> rooms = new ArrayList<>(rows.size());
                    rows.forEach(row -> rooms.add(row.getUUID(0)));
                    return rooms;
                });
    }

    /** The room's position if the user is a member of it, else null. */
    Uni<Long> positionIfMember(UUID userId, UUID roomId) {
        return pool.preparedQuery("SELECT r.last_event FROM rooms r JOIN memberships m ON m.room_id = r.id"
                        + " AND m.user_id = $1 WHERE r.id = $2")
                .execute(Tuple.of(userId, roomId))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLong(0));
    }

    /** The room's position and members, or null when the room no longer exists. */
    Uni<RoomState> state(UUID roomId) {
        return pool.preparedQuery("SELECT r.last_event, array(SELECT m.user_id FROM memberships m"
                        + " WHERE m.room_id = r.id) FROM rooms r WHERE r.id = $1")
                .execute(Tuple.of(roomId))
                .map(RealtimeQueries::state);
    }

    Uni<Void> touchLastSeen(UUID userId, Instant at) {
        return pool.preparedQuery("UPDATE users SET last_seen_at = $2 WHERE id = $1")
                .execute(Tuple.of(userId, at.atOffset(ZoneOffset.UTC)))
                .replaceWithVoid();
    }

    private static RoomState state(RowSet<Row> rows) {
        if (rows.size() == 0) {
            return null;
        }
        Row row = rows.iterator().next();
        UUID[] members = row.getArrayOfUUIDs(1);
        Set<UUID> set = new HashSet<>(members.length * 2);
        for (UUID member : members) {
            set.add(member);
        }
        return new RoomState(row.getLong(0), set);
    }
}
