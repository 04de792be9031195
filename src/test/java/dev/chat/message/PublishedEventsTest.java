package dev.chat.message;

import static dev.chat.support.Api.newUser;
import static dev.chat.support.RoomApi.group;
import static dev.chat.support.RoomApi.sendForId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.chat.fanout.FanoutListener;
import dev.chat.fanout.LocalFanout;
import dev.chat.fanout.PresenceEvent;
import dev.chat.fanout.RoomEvent;
import dev.chat.support.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the REST services hand to the real-time layer: one event per committed change, with its stream
 * position and the contract's frame. Read straight off the fan-out, beside the real-time layer.
 */
@QuarkusTest
class PublishedEventsTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Inject
    LocalFanout fanout;

    private FanoutListener listener;
    private final BlockingQueue<RoomEvent> events = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() {
        if (listener != null) {
            fanout.unlisten(listener);
        }
    }

    /** The room's events that clients see (a role change publishes a frameless one: it only moves the stream). */
    private void listen(String roomId) {
        UUID room = UUID.fromString(roomId);
        listener = new FanoutListener() {
            @Override
            public void onRoomEvent(RoomEvent event) {
                if (event.roomId().equals(room) && event.frame() != null) {
                    events.add(event);
                }
            }

            @Override
            public void onPresence(PresenceEvent event) {}
        };
        fanout.listen(listener);
    }

    private RoomEvent next() throws InterruptedException {
        RoomEvent event = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(event, "an event was published");
        return event;
    }

    /**
     * No further event, proven by a fence rather than by waiting: {@code member} sends a message, and it must
     * be the next event. The fan-out hands events to listeners on the publisher's thread, and every call
     * publishes before it answers, so an event of the calls before would have come first.
     */
    private void assertNoMoreEvents(TestUser member, String roomId) throws InterruptedException {
        String body = "fence " + System.nanoTime();
        sendForId(member, roomId, body);
        JsonObject fence = frame(next());
        assertEquals(
                "message.created " + body,
                fence.getString("type") + " " + fence.getJsonObject("data").getString("body"),
                () -> "no further event, got " + fence);
    }

    private static JsonObject frame(RoomEvent event) {
        return new JsonObject(event.frame());
    }

    private static String type(RoomEvent event) {
        return frame(event).getString("type");
    }

    @Test
    void shouldPublishMessageCreatedWithSeqAndNoReceiptForTheSender() throws Exception {
        TestUser alice = newUser();
        String roomId = group(alice);
        listen(roomId);
        String id = sendForId(alice, roomId, "hello");
        JsonObject created = frame(next());
        assertEquals("message.created", created.getString("type"));
        assertEquals(roomId, created.getString("roomId"));
        assertEquals(1L, created.getLong("seq"));
        assertEquals(id, created.getJsonObject("data").getString("id"));
        assertEquals("hello", created.getJsonObject("data").getString("body"));
        assertNoMoreEvents(alice, roomId);
    }

    @Test
    void whenARetryFindsTheOriginalShouldPublishNothing() throws Exception {
        TestUser alice = newUser();
        String roomId = group(alice);
        alice.as()
                .body(Map.of("body", "x", "clientMessageId", "r"))
                .post("/api/rooms/{r}/messages", roomId)
                .then()
                .statusCode(201);
        listen(roomId);
        alice.as()
                .body(Map.of("body", "x", "clientMessageId", "r"))
                .post("/api/rooms/{r}/messages", roomId)
                .then()
                .statusCode(200);
        assertNoMoreEvents(alice, roomId);
    }

    @Test
    void shouldPublishEditAndDeleteWithTheMessageSeq() throws Exception {
        TestUser alice = newUser();
        String roomId = group(alice);
        String id = sendForId(alice, roomId, "v1");
        listen(roomId);
        alice.as()
                .body(Map.of("body", "v2"))
                .patch("/api/rooms/{r}/messages/{m}", roomId, id)
                .then()
                .statusCode(200);
        JsonObject updated = frame(next());
        assertEquals("message.updated", updated.getString("type"));
        assertEquals(1L, updated.getLong("seq"));
        assertEquals("v2", updated.getJsonObject("data").getString("body"));

        alice.as().delete("/api/rooms/{r}/messages/{m}", roomId, id).then().statusCode(204);
        JsonObject deleted = frame(next());
        assertEquals("message.deleted", deleted.getString("type"));
        assertEquals(new JsonObject().put("id", id).put("seq", 1), deleted.getJsonObject("data"));

        alice.as().delete("/api/rooms/{r}/messages/{m}", roomId, id).then().statusCode(204);
        assertNoMoreEvents(alice, roomId);
    }

    @Test
    void shouldPublishAReceiptOnlyWhenTheWatermarkMoves() throws Exception {
        TestUser alice = newUser();
        TestUser bob = newUser();
        String roomId = group(alice, bob);
        sendForId(alice, roomId, "one");
        sendForId(alice, roomId, "two");
        listen(roomId);
        bob.as()
                .body(Map.of("type", "read", "seq", 2))
                .post("/api/rooms/{r}/receipts", roomId)
                .then()
                .statusCode(204);
        RoomEvent receipt = next();
        assertEquals("receipt", type(receipt));
        assertNull(frame(receipt).getValue("seq"));
        assertEquals(
                new JsonObject().put("userId", bob.id()).put("type", "read").put("seq", 2),
                frame(receipt).getJsonObject("data"));
        bob.as()
                .body(Map.of("type", "read", "seq", 1))
                .post("/api/rooms/{r}/receipts", roomId)
                .then()
                .statusCode(204);
        bob.as()
                .body(Map.of("type", "delivered", "seq", 2))
                .post("/api/rooms/{r}/receipts", roomId)
                .then()
                .statusCode(204);
        assertNoMoreEvents(alice, roomId);
    }

    @Test
    void shouldPublishTypingForEveryoneButTheTypist() throws Exception {
        TestUser alice = newUser();
        String roomId = group(alice);
        listen(roomId);
        alice.as()
                .body(Map.of("typing", true))
                .post("/api/rooms/{r}/typing", roomId)
                .then()
                .statusCode(204);
        RoomEvent typing = next();
        assertEquals("typing", type(typing));
        assertEquals(UUID.fromString(alice.id()), typing.exceptId());
        assertEquals(
                new JsonObject().put("userId", alice.id()).put("typing", true),
                frame(typing).getJsonObject("data"));
    }

    @Test
    void shouldPublishMemberAddedAndRemovedForTheSubject() throws Exception {
        TestUser owner = newUser();
        TestUser newcomer = newUser();
        String roomId = group(owner);
        listen(roomId);
        owner.as()
                .body(Map.of("userId", newcomer.id()))
                .post("/api/rooms/{r}/members", roomId)
                .then()
                .statusCode(201);
        RoomEvent added = next();
        assertEquals("member.added", type(added));
        assertEquals(UUID.fromString(newcomer.id()), added.subjectId());
        assertEquals(
                roomId, frame(added).getJsonObject("data").getJsonObject("room").getString("id"));
        assertEquals(2, frame(added).getJsonObject("data").getJsonObject("room").getInteger("memberCount"));
        assertEquals(
                newcomer.id(),
                frame(added).getJsonObject("data").getJsonObject("member").getString("userId"));
        assertEquals("room.updated", type(next()));

        newcomer.as()
                .delete("/api/rooms/{r}/members/{u}", roomId, newcomer.id())
                .then()
                .statusCode(204);
        RoomEvent removed = next();
        assertEquals("member.removed", type(removed));
        assertEquals(UUID.fromString(newcomer.id()), removed.subjectId());
        assertEquals(
                new JsonObject().put("roomId", roomId).put("userId", newcomer.id()),
                frame(removed).getJsonObject("data"));
        assertEquals(1, frame(next()).getJsonObject("data").getInteger("memberCount"));
    }

    @Test
    void shouldPublishRoomUpdatedOnRename() throws Exception {
        TestUser owner = newUser();
        String roomId = group(owner);
        listen(roomId);
        owner.as()
                .body(Map.of("name", "Renamed"))
                .patch("/api/rooms/{r}", roomId)
                .then()
                .statusCode(200);
        JsonObject updated = frame(next());
        assertEquals("room.updated", updated.getString("type"));
        assertEquals("Renamed", updated.getJsonObject("data").getString("name"));
    }

    @Test
    void whenAChangeIsRefusedShouldPublishNothing() throws Exception {
        TestUser owner = newUser();
        TestUser member = newUser();
        String roomId = group(owner, member);
        String id = sendForId(owner, roomId, "owner's");
        listen(roomId);
        member.as()
                .body(Map.of("name", "x"))
                .patch("/api/rooms/{r}", roomId)
                .then()
                .statusCode(403);
        member.as().delete("/api/rooms/{r}/messages/{m}", roomId, id).then().statusCode(403);
        member.as()
                .body(Map.of("body", "x", "replyToId", UUID.randomUUID().toString()))
                .post("/api/rooms/{r}/messages", roomId)
                .then()
                .statusCode(400);
        assertNoMoreEvents(owner, roomId);
    }
}
