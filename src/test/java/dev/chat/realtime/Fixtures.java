package dev.chat.realtime;

import static io.restassured.RestAssured.given;

import dev.chat.support.RoomApi;
import dev.chat.support.RoomApi.TestUser;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Rooms and memberships straight in SQL (users come from {@link RoomApi#register()}), so that a test can
 * publish events of its own making through the fan-out. The real-time layer reads exactly these tables.
 */
final class Fixtures {

    private final Pool pool;

    Fixtures(Pool pool) {
        this.pool = pool;
    }

    static String ticket(TestUser user) {
        return given().header("Authorization", "Bearer " + user.token())
                .when()
                .post("/api/auth/ws-ticket")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getString("ticket");
    }

    UUID room(TestUser... members) {
        UUID id = UUID.randomUUID();
        pool.preparedQuery("INSERT INTO rooms (id, type, name, created_at, last_seq, last_activity, member_count)"
                        + " VALUES ($1, 'group', $2, now(), 0, now(), $3)")
                .execute(Tuple.of(id, "room " + id, members.length))
                .await()
                .indefinitely();
        for (TestUser member : members) {
            pool.preparedQuery("INSERT INTO memberships (room_id, user_id, role, joined_at)"
                            + " VALUES ($1, $2, 'member', now())")
                    .execute(Tuple.of(id, member.uuid()))
                    .await()
                    .indefinitely();
        }
        return id;
    }

    /** Adds the member and returns the stream position the change took (as RoomService does). */
    long join(UUID roomId, TestUser user) {
        pool.preparedQuery(
                        "INSERT INTO memberships (room_id, user_id, role, joined_at) VALUES ($1, $2, 'member', now())")
                .execute(Tuple.of(roomId, user.uuid()))
                .await()
                .indefinitely();
        return nextPosition(roomId);
    }

    long leave(UUID roomId, TestUser user) {
        pool.preparedQuery("DELETE FROM memberships WHERE room_id = $1 AND user_id = $2")
                .execute(Tuple.of(roomId, user.uuid()))
                .await()
                .indefinitely();
        return nextPosition(roomId);
    }

    /** Takes the room's next stream position, as every room-changing transaction does. */
    long nextPosition(UUID roomId) {
        return pool.preparedQuery("UPDATE rooms SET last_event = last_event + 1 WHERE id = $1 RETURNING last_event")
                .execute(Tuple.of(roomId))
                .await()
                .indefinitely()
                .iterator()
                .next()
                .getLong(0);
    }

    OffsetDateTime lastSeenAt(TestUser user) {
        return pool.preparedQuery("SELECT last_seen_at FROM users WHERE id = $1")
                .execute(Tuple.of(user.uuid()))
                .await()
                .indefinitely()
                .iterator()
                .next()
                .getOffsetDateTime(0);
    }
}
