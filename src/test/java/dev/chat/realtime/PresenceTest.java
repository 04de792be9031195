package dev.chat.realtime;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chat.support.Api;
import dev.chat.support.RoomApi;
import dev.chat.support.TestUser;
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
        TestUser alice = Api.newUser();
        TestUser bob = Api.newUser();
        TestUser eve = Api.newUser();
        RoomApi.group(alice, bob);
        RoomApi.group(alice, bob); // two shared rooms: still one frame per connection
        RoomApi.group(bob, eve);
        TestUser stranger = Api.newUser();
        TestUser fence = Api.newUser();
        RoomApi.group(fence, alice);
        RoomApi.group(fence, stranger);
        try (WsClient alice1 = connect(alice);
                WsClient alice2 = connect(alice);
                WsClient strangerWs = connect(stranger)) {
            List<WsClient> observers = List.of(alice1, alice2, strangerWs);
            WsClient bob1 = connect(bob);
            for (WsClient client : List.of(alice1, alice2)) {
                JsonObject online = client.nextPresence();
                assertEquals(bob.id(), online.getJsonObject("data").getString("userId"));
                assertEquals(true, online.getJsonObject("data").getBoolean("online"));
                assertNotNull(online.getJsonObject("data").getString("lastSeenAt"));
                assertTrue(!online.containsKey("roomId"));
            }
            presenceFence(fence, observers); // once per connection, and none for the stranger
            assertEquals(true, profile(alice, bob).getBoolean("online"));

            WsClient bob2 = connect(bob); // already online: no change
            presenceFence(fence, observers);
            bob1.close();
            // Waited for: the server handles a close when the client cannot tell, so no fence can be
            // ordered behind it.
            alice1.expectNoPresence(); // still online through bob2
            bob2.close();

            for (WsClient client : List.of(alice1, alice2)) {
                JsonObject offline = client.nextPresence();
                assertEquals(bob.id(), offline.getJsonObject("data").getString("userId"));
                assertEquals(false, offline.getJsonObject("data").getBoolean("online"));
                Instant lastSeen = Instant.parse(offline.getJsonObject("data").getString("lastSeenAt"));
                assertNotNull(lastSeen);
            }
            presenceFence(fence, observers); // once per connection, and none for the stranger
            assertEquals(false, profile(alice, bob).getBoolean("online"));
            assertNotNull(awaitLastSeen(bob));
        }
    }

    @Test
    void shouldNotAnnounceAUserToUsersWithoutASharedRoom() {
        TestUser alice = Api.newUser();
        TestUser bob = Api.newUser();
        TestUser fence = Api.newUser();
        RoomApi.group(fence, alice);
        try (WsClient aliceWs = connect(alice);
                WsClient bobWs = connect(bob)) {
            presenceFence(fence, List.of(aliceWs));
        }
    }

    /** %test sets chat.presence.max-room-size=8: a room of 9 carries no presence, a room of 2 still does. */
    @Test
    void shouldNotAnnounceThroughARoomAboveTheSizeCap() {
        TestUser alice = Api.newUser();
        TestUser bob = Api.newUser();
        TestUser carol = Api.newUser();
        TestUser[] crowd = new TestUser[9];
        crowd[0] = alice;
        crowd[1] = bob;
        for (int i = 2; i < crowd.length; i++) {
            crowd[i] = Api.newUser();
        }
        RoomApi.group(crowd[0], java.util.Arrays.copyOfRange(crowd, 1, crowd.length));
        RoomApi.group(alice, carol);
        TestUser fence = Api.newUser();
        RoomApi.group(fence, bob);
        try (WsClient bobWs = connect(bob);
                WsClient carolWs = connect(carol)) {
            WsClient aliceWs = connect(alice);
            JsonObject online = carolWs.nextPresence();
            assertEquals(alice.id(), online.getJsonObject("data").getString("userId"));
            presenceFence(fence, List.of(bobWs));
            aliceWs.close();
            assertEquals(false, carolWs.nextPresence().getJsonObject("data").getBoolean("online"));
            presenceFence(fence, List.of(bobWs));
            assertEquals(false, profile(bob, alice).getBoolean("online"), "asked for, presence is still there");
        }
    }

    private WsClient connect(TestUser user) {
        return WsClient.ready(vertx, ws, user.accessToken());
    }

    /**
     * No (other) presence frame, proven by a fence rather than by waiting: {@code fence}, a room-mate of every
     * observer's user only, comes online and goes again, and each observer's next presence frames must be its
     * own. A connection's presence is announced in the same step as its {@code ready} (local ledger), and a
     * close's once its room-mates were told: whatever the frames checked were due to, it was published before
     * the fence's, and every hub handles presence in publication order.
     */
    private void presenceFence(TestUser fence, List<WsClient> observers) {
        try (WsClient fenceWs = connect(fence)) {
            for (WsClient observer : observers) {
                assertFencePresence(observer, fence, true);
            }
        }
        for (WsClient observer : observers) {
            assertFencePresence(observer, fence, false);
        }
    }

    private static void assertFencePresence(WsClient observer, TestUser fence, boolean online) {
        JsonObject data = observer.nextPresence().getJsonObject("data");
        assertEquals(
                fence.id() + " online=" + online,
                data.getString("userId") + " online=" + data.getBoolean("online"),
                "a presence frame came before the fence: " + data);
    }

    private static JsonObject profile(TestUser caller, TestUser user) {
        return new JsonObject(given().header("Authorization", "Bearer " + caller.accessToken())
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
