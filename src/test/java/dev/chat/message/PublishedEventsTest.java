package dev.chat.message;

import static dev.chat.support.RoomApi.as;
import static dev.chat.support.RoomApi.group;
import static dev.chat.support.RoomApi.register;
import static dev.chat.support.RoomApi.sendForId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.chat.fanout.LocalFanout;
import dev.chat.fanout.RoomEnvelope;
import dev.chat.support.RoomApi.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.eventbus.EventBus;
import io.vertx.mutiny.core.eventbus.MessageConsumer;
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
 * What the REST services hand to the real-time layer: one event per committed change, on the room's
 * fan-out address, with the contract's frame. Read straight off the local event bus.
 */
@QuarkusTest
class PublishedEventsTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration QUIET = Duration.ofMillis(300);

    @Inject
    EventBus bus;

    private MessageConsumer<RoomEnvelope> consumer;
    private final BlockingQueue<RoomEnvelope> events = new LinkedBlockingQueue<>();

    @AfterEach
    void stop() {
        if (consumer != null) {
            consumer.unregisterAndAwait();
        }
    }

    private void listen(String roomId) {
        consumer = bus.<RoomEnvelope>consumer(LocalFanout.address(UUID.fromString(roomId)));
        consumer.handler(message -> events.add(message.body()));
        consumer.completionHandler().await().atMost(WAIT);
    }

    private RoomEnvelope next() throws InterruptedException {
        RoomEnvelope event = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertNotNull(event, "an event was published");
        return event;
    }

    private void assertNoMoreEvents() throws InterruptedException {
        RoomEnvelope extra = events.poll(QUIET.toMillis(), TimeUnit.MILLISECONDS);
        assertNull(extra, () -> "no further event, got " + extra.frame());
    }

    private static JsonObject frame(RoomEnvelope event) {
        return new JsonObject(event.frame());
    }

    @Test
    void shouldPublishMessageCreatedWithSeqAndNoReceiptForTheSender() throws Exception {
        TestUser alice = register();
        String roomId = group(alice);
        listen(roomId);
        String id = sendForId(alice, roomId, "hello");
        JsonObject created = frame(next());
        assertEquals("message.created", created.getString("type"));
        assertEquals(roomId, created.getString("roomId"));
        assertEquals(1L, created.getLong("seq"));
        assertEquals(id, created.getJsonObject("data").getString("id"));
        assertEquals("hello", created.getJsonObject("data").getString("body"));
        assertNoMoreEvents();
    }

    @Test
    void whenARetryFindsTheOriginalShouldPublishNothing() throws Exception {
        TestUser alice = register();
        String roomId = group(alice);
        as(alice)
                .body(Map.of("body", "x", "clientMessageId", "r"))
                .post("/api/rooms/{r}/messages", roomId)
                .then()
                .statusCode(201);
        listen(roomId);
        as(alice)
                .body(Map.of("body", "x", "clientMessageId", "r"))
                .post("/api/rooms/{r}/messages", roomId)
                .then()
                .statusCode(200);
        assertNoMoreEvents();
    }

    @Test
    void shouldPublishEditAndDeleteWithTheMessageSeq() throws Exception {
        TestUser alice = register();
        String roomId = group(alice);
        String id = sendForId(alice, roomId, "v1");
        listen(roomId);
        as(alice)
                .body(Map.of("body", "v2"))
                .patch("/api/rooms/{r}/messages/{m}", roomId, id)
                .then()
                .statusCode(200);
        JsonObject updated = frame(next());
        assertEquals("message.updated", updated.getString("type"));
        assertEquals(1L, updated.getLong("seq"));
        assertEquals("v2", updated.getJsonObject("data").getString("body"));

        as(alice).delete("/api/rooms/{r}/messages/{m}", roomId, id).then().statusCode(204);
        JsonObject deleted = frame(next());
        assertEquals("message.deleted", deleted.getString("type"));
        assertEquals(new JsonObject().put("id", id).put("seq", 1), deleted.getJsonObject("data"));

        as(alice).delete("/api/rooms/{r}/messages/{m}", roomId, id).then().statusCode(204);
        assertNoMoreEvents();
    }

    @Test
    void shouldPublishAReceiptOnlyWhenTheWatermarkMoves() throws Exception {
        TestUser alice = register();
        TestUser bob = register();
        String roomId = group(alice, bob);
        sendForId(alice, roomId, "one");
        sendForId(alice, roomId, "two");
        listen(roomId);
        as(bob).body(Map.of("type", "read", "seq", 2))
                .post("/api/rooms/{r}/receipts", roomId)
                .then()
                .statusCode(204);
        RoomEnvelope receipt = next();
        assertEquals("receipt", receipt.type());
        assertNull(receipt.seq());
        assertEquals(
                new JsonObject().put("userId", bob.id()).put("type", "read").put("seq", 2),
                frame(receipt).getJsonObject("data"));
        as(bob).body(Map.of("type", "read", "seq", 1))
                .post("/api/rooms/{r}/receipts", roomId)
                .then()
                .statusCode(204);
        as(bob).body(Map.of("type", "delivered", "seq", 2))
                .post("/api/rooms/{r}/receipts", roomId)
                .then()
                .statusCode(204);
        assertNoMoreEvents();
    }

    @Test
    void shouldPublishTypingForEveryoneButTheTypist() throws Exception {
        TestUser alice = register();
        String roomId = group(alice);
        listen(roomId);
        as(alice)
                .body(Map.of("typing", true))
                .post("/api/rooms/{r}/typing", roomId)
                .then()
                .statusCode(204);
        RoomEnvelope typing = next();
        assertEquals("typing", typing.type());
        assertEquals(UUID.fromString(alice.id()), typing.exceptUserId());
        assertEquals(
                new JsonObject().put("userId", alice.id()).put("typing", true),
                frame(typing).getJsonObject("data"));
    }

    @Test
    void shouldPublishMemberAddedAndRemovedForTheSubject() throws Exception {
        TestUser owner = register();
        TestUser newcomer = register();
        String roomId = group(owner);
        listen(roomId);
        as(owner)
                .body(Map.of("userId", newcomer.id()))
                .post("/api/rooms/{r}/members", roomId)
                .then()
                .statusCode(201);
        RoomEnvelope added = next();
        assertEquals("member.added", added.type());
        assertEquals(UUID.fromString(newcomer.id()), added.subjectUserId());
        assertEquals(
                roomId, frame(added).getJsonObject("data").getJsonObject("room").getString("id"));
        assertEquals(2, frame(added).getJsonObject("data").getJsonObject("room").getInteger("memberCount"));
        assertEquals(
                newcomer.id(),
                frame(added).getJsonObject("data").getJsonObject("member").getString("userId"));
        assertEquals("room.updated", next().type());

        as(newcomer)
                .delete("/api/rooms/{r}/members/{u}", roomId, newcomer.id())
                .then()
                .statusCode(204);
        RoomEnvelope removed = next();
        assertEquals("member.removed", removed.type());
        assertEquals(UUID.fromString(newcomer.id()), removed.subjectUserId());
        assertEquals(
                new JsonObject().put("roomId", roomId).put("userId", newcomer.id()),
                frame(removed).getJsonObject("data"));
        assertEquals(1, frame(next()).getJsonObject("data").getInteger("memberCount"));
    }

    @Test
    void shouldPublishRoomUpdatedOnRename() throws Exception {
        TestUser owner = register();
        String roomId = group(owner);
        listen(roomId);
        as(owner)
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
        TestUser owner = register();
        TestUser member = register();
        String roomId = group(owner, member);
        String id = sendForId(owner, roomId, "owner's");
        listen(roomId);
        as(member)
                .body(Map.of("name", "x"))
                .patch("/api/rooms/{r}", roomId)
                .then()
                .statusCode(403);
        as(member).delete("/api/rooms/{r}/messages/{m}", roomId, id).then().statusCode(403);
        as(member)
                .body(Map.of("body", "x", "replyToId", UUID.randomUUID().toString()))
                .post("/api/rooms/{r}/messages", roomId)
                .then()
                .statusCode(400);
        assertNoMoreEvents();
    }
}
