package dev.chat.realtime;

import static io.restassured.RestAssured.given;

import dev.chat.support.Api;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Users through the real register endpoint; rooms and memberships straight in SQL, because the rooms API
 * lives on another branch. The real-time layer reads exactly these tables.
 */
final class Fixtures {

    record TestUser(UUID id, String accessToken) {}

    private final Pool pool;

    Fixtures(Pool pool) {
        this.pool = pool;
    }

    static TestUser register() {
        Api.Session session = Api.newUser("rt");
        return new TestUser(UUID.fromString(session.id()), session.accessToken());
    }

    static String ticket(TestUser user) {
        return given().header("Authorization", "Bearer " + user.accessToken())
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
            join(id, member);
        }
        return id;
    }

    void join(UUID roomId, TestUser user) {
        pool.preparedQuery(
                        "INSERT INTO memberships (room_id, user_id, role, joined_at) VALUES ($1, $2, 'member', now())")
                .execute(Tuple.of(roomId, user.id()))
                .await()
                .indefinitely();
    }

    void leave(UUID roomId, TestUser user) {
        pool.preparedQuery("DELETE FROM memberships WHERE room_id = $1 AND user_id = $2")
                .execute(Tuple.of(roomId, user.id()))
                .await()
                .indefinitely();
    }

    OffsetDateTime lastSeenAt(TestUser user) {
        return pool.preparedQuery("SELECT last_seen_at FROM users WHERE id = $1")
                .execute(Tuple.of(user.id()))
                .await()
                .indefinitely()
                .iterator()
                .next()
                .getOffsetDateTime(0);
    }
}
