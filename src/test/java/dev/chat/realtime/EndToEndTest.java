package dev.chat.realtime;

import static dev.chat.support.Api.newUser;
import static dev.chat.support.RoomApi.group;
import static dev.chat.support.RoomApi.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chat.support.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole path a client sees: a REST call changes something, the WebSocket pushes it. Black-box (its own
 * Vert.x for the clients, nothing injected), so {@link EndToEndIT} runs it against the packaged artifact.
 */
@QuarkusTest
class EndToEndTest {

    private static Vertx clients;

    @TestHTTPResource("/ws")
    URI ws;

    @BeforeAll
    static void startClients() {
        clients = Vertx.vertx();
    }

    @AfterAll
    static void stopClients() {
        clients.close().toCompletionStage().toCompletableFuture().join();
    }

    @Test
    void shouldPushASentMessageToEveryMemberConnectionAndToNoOneElse() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        TestUser eve = newUser();
        String room = group(alice, bob);
        String evesOwn = group(eve);
        try (WsClient alice1 = connect(alice);
                WsClient alice2 = connect(alice);
                WsClient bobWs = connect(bob);
                WsClient eveWs = connect(eve)) {
            JsonPath sent = alice.as()
                    .body(Map.of("body", "hello", "clientMessageId", "c-1"))
                    .post("/api/rooms/{id}/messages", room)
                    .then()
                    .statusCode(201)
                    .extract()
                    .jsonPath();

            JsonObject frame = bobWs.next("message.created");
            assertEquals(room, frame.getString("roomId"));
            assertEquals(1L, frame.getLong("seq"));
            assertTrue(frame.getString("at").matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"));
            JsonObject message = frame.getJsonObject("data");
            assertEquals(sent.getString("id"), message.getString("id"));
            assertEquals("hello", message.getString("body"));
            assertEquals(alice.id(), message.getString("senderId"));
            assertEquals("c-1", message.getString("clientMessageId"));
            assertEquals(frame, alice1.next());
            assertEquals(frame, alice2.next());
            fence(eve, evesOwn, eveWs);
        }
    }

    @Test
    void shouldPushOnlyCommittedMessagesSoThatHistoryAlreadyHasThem() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        String room = group(alice, bob);
        try (WsClient bobWs = connect(bob)) {
            send(alice, room, "committed");
            long seq = bobWs.next("message.created").getLong("seq");
            bob.as()
                    .queryParam("after", seq - 1)
                    .get("/api/rooms/{id}/messages", room)
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath()
                    .getList("items.seq", Long.class)
                    .forEach(found -> assertEquals(seq, found));
        }
    }

    @Test
    void shouldNotPushARetriedMessageTwice() {
        TestUser alice = newUser();
        String room = group(alice);
        try (WsClient aliceWs = connect(alice)) {
            for (int i = 0; i < 2; i++) {
                alice.as()
                        .body(Map.of("body", "once", "clientMessageId", "retry-me"))
                        .post("/api/rooms/{id}/messages", room)
                        .then()
                        .statusCode(i == 0 ? 201 : 200);
            }
            aliceWs.next("message.created");
            fence(alice, room, aliceWs);
        }
    }

    @Test
    void shouldPushEditsAndDeletions() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        String room = group(alice, bob);
        try (WsClient bobWs = connect(bob)) {
            String id = alice.as()
                    .body(Map.of("body", "first"))
                    .post("/api/rooms/{id}/messages", room)
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("id");
            bobWs.next("message.created");

            alice.as()
                    .body(Map.of("body", "edited"))
                    .patch("/api/rooms/{r}/messages/{m}", room, id)
                    .then()
                    .statusCode(200);
            JsonObject updated = bobWs.next("message.updated");
            assertEquals(1L, updated.getLong("seq"));
            assertEquals("edited", updated.getJsonObject("data").getString("body"));
            assertTrue(updated.getJsonObject("data").getString("editedAt") != null);

            alice.as().delete("/api/rooms/{r}/messages/{m}", room, id).then().statusCode(204);
            JsonObject deleted = bobWs.next("message.deleted");
            assertEquals(new JsonObject().put("id", id).put("seq", 1), deleted.getJsonObject("data"));
        }
    }

    @Test
    void shouldPushTypingToTheOthersButNotTheTypist() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        String room = group(alice, bob);
        try (WsClient aliceWs = connect(alice);
                WsClient bobWs = connect(bob)) {
            alice.as()
                    .body(Map.of("typing", true))
                    .post("/api/rooms/{id}/typing", room)
                    .then()
                    .statusCode(204);
            JsonObject typing = bobWs.next("typing");
            assertEquals(new JsonObject().put("userId", alice.id()).put("typing", true), typing.getJsonObject("data"));
            assertFalse(typing.containsKey("seq"));
            fence(bob, room, aliceWs);
        }
    }

    @Test
    void shouldPushReadReceiptsToMembers() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        String room = group(alice, bob);
        send(alice, room, "read me");
        try (WsClient aliceWs = connect(alice);
                WsClient bobWs = connect(bob)) {
            bob.as()
                    .body(Map.of("type", "read", "seq", 1))
                    .post("/api/rooms/{id}/receipts", room)
                    .then()
                    .statusCode(204);
            JsonObject expected =
                    new JsonObject().put("userId", bob.id()).put("type", "read").put("seq", 1);
            assertEquals(expected, aliceWs.next("receipt").getJsonObject("data"));
            assertEquals(expected, bobWs.next("receipt").getJsonObject("data"));
        }
    }

    @Test
    void shouldPushRenamesToMembers() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        String room = group(alice, bob);
        try (WsClient bobWs = connect(bob)) {
            alice.as()
                    .body(Map.of("name", "new name"))
                    .patch("/api/rooms/{id}", room)
                    .then()
                    .statusCode(200);
            JsonObject updated = bobWs.next("room.updated");
            assertEquals("new name", updated.getJsonObject("data").getString("name"));
            assertEquals(room, updated.getJsonObject("data").getString("id"));
        }
    }

    @Test
    void whenAMemberIsAddedTheirOpenConnectionReceivesTheRoomAtOnce() {
        TestUser alice = newUser();
        TestUser carol = newUser();
        String room = group(alice);
        try (WsClient aliceWs = connect(alice);
                WsClient carolWs = connect(carol)) {
            alice.as()
                    .body(Map.of("userId", carol.id()))
                    .post("/api/rooms/{id}/members", room)
                    .then()
                    .statusCode(201);
            JsonObject added = carolWs.next("member.added");
            assertEquals(room, added.getJsonObject("data").getJsonObject("room").getString("id"));
            assertEquals(
                    carol.id(),
                    added.getJsonObject("data").getJsonObject("member").getString("userId"));
            assertEquals(added, aliceWs.next("member.added"));
            assertEquals(2, carolWs.next("room.updated").getJsonObject("data").getInteger("memberCount"));
            assertEquals(2, aliceWs.next("room.updated").getJsonObject("data").getInteger("memberCount"));

            send(alice, room, "welcome");
            assertEquals(
                    "welcome",
                    carolWs.next("message.created").getJsonObject("data").getString("body"));
        }
    }

    @Test
    void whenAMemberIsRemovedTheirConnectionsStopReceivingTheRoomAtOnce() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        String room = group(alice, bob);
        String bobsOther = group(bob);
        try (WsClient aliceWs = connect(alice);
                WsClient bobWs = connect(bob)) {
            alice.as()
                    .delete("/api/rooms/{id}/members/{userId}", room, bob.id())
                    .then()
                    .statusCode(204);
            JsonObject removed = bobWs.next("member.removed");
            assertEquals(new JsonObject().put("roomId", room).put("userId", bob.id()), removed.getJsonObject("data"));
            assertEquals(removed, aliceWs.next("member.removed"));
            assertEquals(1, aliceWs.next("room.updated").getJsonObject("data").getInteger("memberCount"));

            send(alice, room, "after removal");
            aliceWs.next("message.created");
            fence(bob, bobsOther, bobWs);
            alice.as()
                    .body(Map.of("typing", true))
                    .post("/api/rooms/{id}/typing", room)
                    .then()
                    .statusCode(204);
            fence(bob, bobsOther, bobWs);
        }
    }

    @Test
    void whenFiveSendersRaceEveryConnectionGetsTheMessagesInSeqOrder() throws Exception {
        int senders = 5;
        int each = 50;
        List<TestUser> users = new ArrayList<>();
        for (int i = 0; i < senders; i++) {
            users.add(newUser());
        }
        TestUser watcher = newUser();
        String room = group(users.get(0), concat(users.subList(1, senders), watcher));
        List<WsClient> sockets = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(senders);
        try {
            sockets.add(connect(watcher));
            sockets.add(connect(watcher));
            sockets.add(connect(users.get(0)));
            List<Callable<Void>> work = new ArrayList<>();
            for (TestUser sender : users) {
                work.add(() -> {
                    for (int i = 0; i < each; i++) {
                        send(sender, room, "m" + i);
                    }
                    return null;
                });
            }
            for (Future<Void> done : pool.invokeAll(work)) {
                done.get();
            }
            String fence = "fence";
            send(watcher, room, fence);
            for (WsClient socket : sockets) {
                for (long seq = 1; seq <= senders * each; seq++) {
                    JsonObject frame = socket.next("message.created");
                    assertEquals(seq, frame.getLong("seq"), "out of order on a connection");
                }
                assertEquals(
                        fence,
                        socket.fence(room, "message.created")
                                .getJsonObject("data")
                                .getString("body"));
            }
        } finally {
            pool.shutdownNow();
            sockets.forEach(WsClient::close);
        }
    }

    @Test
    void whenARoomIsCreatedEachInitialMemberIsToldOnlyOfItsOwnMembership() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        TestUser carol = newUser();
        try (WsClient aliceWs = connect(alice);
                WsClient bobWs = connect(bob);
                WsClient carolWs = connect(carol)) {
            String room = group(alice, bob, carol);
            for (Object[] pair : new Object[][] {{aliceWs, alice}, {bobWs, bob}, {carolWs, carol}}) {
                JsonObject added = ((WsClient) pair[0]).next("member.added");
                assertEquals(room, added.getString("roomId"));
                assertEquals(
                        ((TestUser) pair[1]).id(),
                        added.getJsonObject("data").getJsonObject("member").getString("userId"));
            }
            // A fence: the next frame is the message, so nobody got a second member.added.
            send(alice, room, "fence");
            for (WsClient client : List.of(aliceWs, bobWs, carolWs)) {
                assertEquals(
                        "fence",
                        client.next("message.created").getJsonObject("data").getString("body"));
            }
        }
    }

    @Test
    void whenAClientReconnectsHistoryAfterItsLastSeqFillsTheGap() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        String room = group(alice, bob);
        long lastSeen;
        try (WsClient bobWs = connect(bob)) {
            send(alice, room, "seen");
            lastSeen = bobWs.next("message.created").getLong("seq");
        }
        send(alice, room, "missed 1");
        send(alice, room, "missed 2");
        try (WsClient bobWs = connect(bob)) {
            List<String> gap = bob.as()
                    .queryParam("after", lastSeen)
                    .get("/api/rooms/{id}/messages", room)
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath()
                    .getList("items.body", String.class);
            assertEquals(List.of("missed 1", "missed 2"), gap);
            send(alice, room, "live again");
            assertEquals(lastSeen + 3, bobWs.next("message.created").getLong("seq"));
        }
    }

    /**
     * "Nothing else arrives", proven by a fence ({@link WsClient#fence}): {@code sender} sends a message to
     * {@code room}, one of the client's user's rooms, after the calls checked (whose events were published
     * before they answered), and it must be the client's next frame.
     */
    private static void fence(TestUser sender, String room, WsClient client) {
        String body = "fence " + System.nanoTime();
        send(sender, room, body);
        assertEquals(
                body,
                client.fence(room, "message.created").getJsonObject("data").getString("body"));
    }

    private WsClient connect(TestUser user) {
        return WsClient.ready(clients, ws, user.accessToken());
    }

    private static TestUser[] concat(List<TestUser> users, TestUser extra) {
        List<TestUser> all = new ArrayList<>(users);
        all.add(extra);
        return all.toArray(TestUser[]::new);
    }
}
