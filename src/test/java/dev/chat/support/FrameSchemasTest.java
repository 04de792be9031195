package dev.chat.support;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The frame checker accepts every frame of the contract (API.md, "Real-time") and refuses what deviates. */
class FrameSchemasTest {

    private static final String ROOM = "0b6f2b9e-3c1d-4e55-8a40-6f7c2d1e9a01";
    private static final String USER = "5e2a9c44-1b7d-4f0e-9c3a-2d8b6e4f1a02";
    private static final String MESSAGE_ID = "9d4c1e77-8a2b-4c6d-b1e0-3f5a7c9e2b03";
    private static final String AT = "2026-11-27T01:02:03.456Z";

    private static JsonObject message() {
        return new JsonObject()
                .put("id", MESSAGE_ID)
                .put("roomId", ROOM)
                .put("seq", 7)
                .put("senderId", USER)
                .put("body", "hello")
                .put("clientMessageId", null)
                .put("replyToId", null)
                .put("createdAt", AT)
                .put("editedAt", null)
                .put("deleted", false);
    }

    private static JsonObject room() {
        return new JsonObject()
                .put("id", ROOM)
                .put("type", "group")
                .put("name", "Team")
                .put("createdAt", AT)
                .put("lastSeq", 7)
                .put("memberCount", 2);
    }

    private static JsonObject member() {
        return new JsonObject()
                .put("userId", USER)
                .put("username", "alice")
                .put("displayName", "Alice")
                .put("role", "member")
                .put("joinedAt", AT)
                .put("lastReadSeq", 0)
                .put("lastDeliveredSeq", 0);
    }

    private static JsonObject roomEvent(String type, Long seq, Object data) {
        JsonObject frame = new JsonObject().put("type", type).put("roomId", ROOM);
        if (seq != null) {
            frame.put("seq", seq);
        }
        return frame.put("at", AT).put("data", data);
    }

    @Test
    void shouldDescribeEveryFrameTypeTheServerSends() {
        assertEquals(
                Set.of(
                        "ready",
                        "message.created",
                        "message.updated",
                        "message.deleted",
                        "typing",
                        "receipt",
                        "presence",
                        "member.added",
                        "member.removed",
                        "room.updated",
                        "pong",
                        "error"),
                FrameSchemas.types());
    }

    @Test
    void shouldAcceptEveryFrameOfTheContract() {
        for (JsonObject frame : new JsonObject[] {
            new JsonObject()
                    .put("type", "ready")
                    .put("at", AT)
                    .put("data", new JsonObject().put("userId", USER).put("connectionId", "c1")),
            roomEvent("message.created", 7L, message()),
            roomEvent(
                    "message.created",
                    8L,
                    message().put("replyToId", MESSAGE_ID).put("clientMessageId", "k-1")),
            roomEvent("message.updated", 7L, message().put("editedAt", AT)),
            roomEvent("message.updated", 7L, message().put("body", null).put("deleted", true)), // a tombstone
            roomEvent(
                    "message.deleted",
                    7L,
                    new JsonObject().put("id", MESSAGE_ID).put("seq", 7)),
            roomEvent("typing", null, new JsonObject().put("userId", USER).put("typing", true)),
            roomEvent(
                    "receipt",
                    null,
                    new JsonObject().put("userId", USER).put("type", "read").put("seq", 7)),
            new JsonObject()
                    .put("type", "presence")
                    .put("at", AT)
                    .put(
                            "data",
                            new JsonObject()
                                    .put("userId", USER)
                                    .put("online", false)
                                    .put("lastSeenAt", AT)),
            roomEvent("member.added", null, new JsonObject().put("room", room()).put("member", member())),
            roomEvent(
                    "member.added",
                    null,
                    new JsonObject()
                            .put("room", room().put("type", "direct").put("name", null))
                            .put("member", member().put("role", "owner"))),
            roomEvent(
                    "member.removed", null, new JsonObject().put("roomId", ROOM).put("userId", USER)),
            roomEvent("room.updated", null, room()),
            new JsonObject().put("type", "pong"),
            new JsonObject().put("type", "error").put("data", new JsonObject().put("code", "unsupported"))
        }) {
            assertDoesNotThrow(() -> FrameSchemas.check(frame), frame::encode);
        }
    }

    @Test
    void shouldRefuseAFrameOfAnUnknownType() {
        assertRefused(new JsonObject().put("type", "message.exploded").put("at", AT), "does not describe");
        assertRefused(new JsonObject().put("at", AT), "does not describe");
        assertRefused(new JsonObject().put("type", 5), "does not describe");
    }

    @Test
    void shouldRefuseAClientFrameComingFromTheServer() {
        assertRefused(new JsonObject().put("type", "ping"), "does not describe");
    }

    @Test
    void shouldRefuseARoomEventWithoutItsRoomOrSeq() {
        JsonObject noRoom = roomEvent("message.created", 7L, message());
        noRoom.remove("roomId");
        assertRefused(noRoom, "roomId");
        JsonObject noSeq = roomEvent("message.created", null, message());
        assertRefused(noSeq, "seq");
    }

    @Test
    void shouldRefuseWrongTypesAndFormats() {
        assertRefused(roomEvent("message.created", 7L, message().put("seq", "7")), "seq");
        assertRefused(roomEvent("message.created", 7L, message().put("deleted", "false")), "deleted");
        assertRefused(roomEvent("message.created", 7L, message().put("createdAt", "yesterday")), "createdAt");
        assertRefused(roomEvent("message.created", 7L, message().put("id", "not-a-uuid")), "id");
        assertRefused(
                roomEvent("typing", null, new JsonObject().put("userId", USER).put("typing", "yes")), "typing");
    }

    @Test
    void shouldRefuseValuesOutsideAnEnum() {
        assertRefused(roomEvent("room.updated", null, room().put("type", "channel")), "type");
        assertRefused(
                roomEvent(
                        "member.added",
                        null,
                        new JsonObject().put("room", room()).put("member", member().put("role", "king"))),
                "role");
        assertRefused(
                roomEvent(
                        "receipt",
                        null,
                        new JsonObject().put("userId", USER).put("type", "seen").put("seq", 7)),
                "type");
    }

    @Test
    void shouldRefuseMissingAndUndeclaredFields() {
        JsonObject noBody = message();
        noBody.remove("body");
        assertRefused(roomEvent("message.created", 7L, noBody), "body");
        assertRefused(roomEvent("message.created", 7L, message().put("reactions", 3)), "reactions");
        assertRefused(new JsonObject().put("type", "pong").put("at", AT), "at");
    }

    @Test
    void shouldRefuseNullWhereTheContractHasAValue() {
        assertRefused(roomEvent("message.created", 7L, message().put("senderId", null)), "senderId");
        assertRefused(roomEvent("room.updated", null, room().put("lastSeq", null)), "lastSeq");
    }

    private static void assertRefused(JsonObject frame, String mentioned) {
        AssertionError error = assertThrows(AssertionError.class, () -> FrameSchemas.check(frame), frame::encode);
        assertTrue(error.getMessage().contains(mentioned), error::getMessage);
    }
}
