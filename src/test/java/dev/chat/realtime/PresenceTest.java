package dev.chat.realtime;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chat.support.RoomApi;
import dev.chat.support.RoomApi.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A user is online while one of their connections is open; room-mates hear of each change once per connection. */
@QuarkusTest
class PresenceTest {

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    Vertx vertx;

    @Inject
    Pool pool;

    Fixtures fixtures;

    @BeforeEach
    void setUp() {
        fixtures = new Fixtures(pool);
    }

    @Test
    void shouldTellEveryConnectionOfEveryRoomMateOnceWhenAUserComesAndGoes() throws InterruptedException {
        TestUser alice = RoomApi.register();
        TestUser bob = RoomApi.register();
        TestUser eve = RoomApi.register();
        fixtures.room(alice, bob);
        fixtures.room(alice, bob); // two shared rooms: still one frame per connection
        fixtures.room(bob, eve);
        TestUser stranger = RoomApi.register();
        try (WsClient alice1 = connect(alice);
                WsClient alice2 = connect(alice);
                WsClient strangerWs = connect(stranger)) {
            WsClient bob1 = connect(bob);
            for (WsClient client : List.of(alice1, alice2)) {
                JsonObject online = client.nextPresence();
                assertEquals(bob.id(), online.getJsonObject("data").getString("userId"));
                assertEquals(true, online.getJsonObject("data").getBoolean("online"));
                assertNotNull(online.getJsonObject("data").getString("lastSeenAt"));
                assertTrue(!online.containsKey("roomId"));
                client.expectNoPresence();
            }
            assertEquals(true, profile(alice, bob).getBoolean("online"));

            WsClient bob2 = connect(bob); // already online: no change
            alice1.expectNoPresence();
            bob1.close();
            alice1.expectNoPresence(); // still online through bob2
            bob2.close();

            for (WsClient client : List.of(alice1, alice2)) {
                JsonObject offline = client.nextPresence();
                assertEquals(bob.id(), offline.getJsonObject("data").getString("userId"));
                assertEquals(false, offline.getJsonObject("data").getBoolean("online"));
                Instant lastSeen = Instant.parse(offline.getJsonObject("data").getString("lastSeenAt"));
                client.expectNoPresence();
                assertNotNull(lastSeen);
            }
            strangerWs.expectNoPresence();
            assertEquals(false, profile(alice, bob).getBoolean("online"));
            assertNotNull(awaitLastSeen(bob));
        }
    }

    @Test
    void shouldNotAnnounceAUserToUsersWithoutASharedRoom() {
        TestUser alice = RoomApi.register();
        TestUser bob = RoomApi.register();
        try (WsClient aliceWs = connect(alice);
                WsClient bobWs = connect(bob)) {
            aliceWs.expectNoPresence();
        }
    }

    /** %test sets chat.presence.max-room-size=8: a room of 9 carries no presence, a room of 2 still does. */
    @Test
    void shouldNotAnnounceThroughARoomAboveTheSizeCap() {
        TestUser alice = RoomApi.register();
        TestUser bob = RoomApi.register();
        TestUser carol = RoomApi.register();
        TestUser[] crowd = new TestUser[9];
        crowd[0] = alice;
        crowd[1] = bob;
        for (int i = 2; i < crowd.length; i++) {
            crowd[i] = RoomApi.register();
        }
        fixtures.room(crowd);
        fixtures.room(alice, carol);
        try (WsClient bobWs = connect(bob);
                WsClient carolWs = connect(carol)) {
            WsClient aliceWs = connect(alice);
            JsonObject online = carolWs.nextPresence();
            assertEquals(alice.id(), online.getJsonObject("data").getString("userId"));
            bobWs.expectNoPresence();
            aliceWs.close();
            assertEquals(false, carolWs.nextPresence().getJsonObject("data").getBoolean("online"));
            bobWs.expectNoPresence();
            assertEquals(false, profile(bob, alice).getBoolean("online"), "asked for, presence is still there");
        }
    }

    private WsClient connect(TestUser user) {
        return WsClient.ready(vertx, ws, user.token());
    }

    private static JsonObject profile(TestUser caller, TestUser user) {
        return new JsonObject(given().header("Authorization", "Bearer " + caller.token())
                .when()
                .get("/api/users/" + user.uuid())
                .then()
                .statusCode(200)
                .extract()
                .asString());
    }

    /** users.last_seen_at is written just after the offline frame: wait for it, briefly. */
    private Object awaitLastSeen(TestUser user) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WsClient.WAIT_MS;
        while (System.currentTimeMillis() < deadline) {
            Object seen = fixtures.lastSeenAt(user);
            if (seen != null) {
                return seen;
            }
            Thread.sleep(20);
        }
        return null;
    }
}
