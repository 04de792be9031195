package dev.chat.message;

import static dev.chat.support.RoomApi.as;
import static dev.chat.support.RoomApi.group;
import static dev.chat.support.RoomApi.makeAdmin;
import static dev.chat.support.RoomApi.register;
import static dev.chat.support.RoomApi.send;
import static dev.chat.support.RoomApi.sendForId;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import dev.chat.support.RoomApi.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class MessageResourceTest {

    private static final String ROOM = "/api/rooms/{roomId}";
    private static final String MESSAGES = "/api/rooms/{roomId}/messages";
    private static final String MESSAGE = "/api/rooms/{roomId}/messages/{messageId}";
    private static final String MEMBERS = "/api/rooms/{roomId}/members";
    private static final String RECEIPTS = "/api/rooms/{roomId}/receipts";
    private static final String TYPING = "/api/rooms/{roomId}/typing";
    private static final String EMOJI = "\uD83D\uDE00";

    @Test
    void shouldSendWithServerAssignedSeq() {
        TestUser alice = register();
        String roomId = group(alice);
        as(alice)
                .body(Map.of("body", "hello"))
                .post(MESSAGES, roomId)
                .then()
                .statusCode(201)
                .body(
                        "seq",
                        is(1),
                        "roomId",
                        is(roomId),
                        "senderId",
                        is(alice.id()),
                        "body",
                        is("hello"),
                        "clientMessageId",
                        nullValue(),
                        "replyToId",
                        nullValue(),
                        "createdAt",
                        notNullValue(),
                        "editedAt",
                        nullValue(),
                        "deleted",
                        is(false),
                        "id",
                        notNullValue());
        as(alice)
                .body(Map.of("body", "again"))
                .post(MESSAGES, roomId)
                .then()
                .statusCode(201)
                .body("seq", is(2));
        as(alice).get(ROOM, roomId).then().body("lastSeq", is(2));
    }

    @Test
    void shouldAdvanceTheSendersOwnWatermarksOnly() {
        TestUser alice = register();
        TestUser bob = register();
        String roomId = group(alice, bob);
        send(alice, roomId, "one");
        send(alice, roomId, "two");
        String a = "items.find { it.userId == '" + alice.id() + "' }.";
        String b = "items.find { it.userId == '" + bob.id() + "' }.";
        as(bob).get(MEMBERS, roomId)
                .then()
                .body(a + "lastReadSeq", is(2), a + "lastDeliveredSeq", is(2))
                .body(b + "lastReadSeq", is(0), b + "lastDeliveredSeq", is(0));
    }

    @Test
    void whenClientMessageIdRepeatsShouldAnswer200WithTheOriginal() {
        TestUser alice = register();
        String roomId = group(alice);
        String id = as(alice)
                .body(Map.of("body", "hi", "clientMessageId", "c-1"))
                .post(MESSAGES, roomId)
                .then()
                .statusCode(201)
                .body("clientMessageId", is("c-1"))
                .extract()
                .path("id");
        as(alice)
                .body(Map.of("body", "hi (retry)", "clientMessageId", "c-1"))
                .post(MESSAGES, roomId)
                .then()
                .statusCode(200)
                .body("id", is(id), "body", is("hi"), "seq", is(1));
        as(alice).get(ROOM, roomId).then().body("lastSeq", is(1));
    }

    @Test
    void whenAnotherSenderUsesTheSameClientMessageIdShouldStoreBoth() {
        TestUser alice = register();
        TestUser bob = register();
        String roomId = group(alice, bob);
        as(alice)
                .body(Map.of("body", "a", "clientMessageId", "same"))
                .post(MESSAGES, roomId)
                .then()
                .statusCode(201);
        as(bob).body(Map.of("body", "b", "clientMessageId", "same"))
                .post(MESSAGES, roomId)
                .then()
                .statusCode(201)
                .body("seq", is(2));
    }

    @Test
    void shouldReplyToAMessageOfTheRoom() {
        TestUser alice = register();
        String roomId = group(alice);
        String original = sendForId(alice, roomId, "question");
        as(alice)
                .body(Map.of("body", "answer", "replyToId", original))
                .post(MESSAGES, roomId)
                .then()
                .statusCode(201)
                .body("replyToId", is(original));
    }

    @Test
    void whenReplyToIsNotInTheRoomShouldAnswer400AndStoreNothing() {
        TestUser alice = register();
        String roomId = group(alice);
        String elsewhere = sendForId(alice, group(alice), "other room");
        for (String replyTo : new String[] {elsewhere, UUID.randomUUID().toString()}) {
            as(alice)
                    .body(Map.of("body", "answer", "replyToId", replyTo))
                    .post(MESSAGES, roomId)
                    .then()
                    .statusCode(400)
                    .body("errors.field", hasItem("replyToId"));
        }
        as(alice).get(ROOM, roomId).then().body("lastSeq", is(0));
    }

    @Test
    void whenBodyIsBlankMissingOrTooLongShouldAnswer400AndStoreNothing() {
        TestUser alice = register();
        String roomId = group(alice);
        Map<String, Object> missing = new HashMap<>();
        missing.put("body", null);
        for (Object request : new Object[] {
            Map.of("body", ""),
            Map.of("body", " \n\t "),
            // Blank after Unicode-aware stripping: zero-width space, word joiner, BOM, ideographic space.
            Map.of("body", "\u200B"),
            Map.of("body", "\u2060"),
            Map.of("body", "\uFEFF"),
            Map.of("body", "\u3000"),
            Map.of("body", "\u200B\u2060\uFEFF\u3000\n"),
            Map.of("body", "x".repeat(4001)),
            Map.of("body", 5),
            missing,
            Map.of()
        }) {
            as(alice)
                    .body(request)
                    .post(MESSAGES, roomId)
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("errors.field", hasItem("body"));
        }
        as(alice).get(ROOM, roomId).then().body("lastSeq", is(0));
    }

    @Test
    void shouldCountBodyLengthInCharactersNotUtf16Units() {
        TestUser alice = register();
        String roomId = group(alice);
        as(alice)
                .body(Map.of("body", EMOJI.repeat(4000)))
                .post(MESSAGES, roomId)
                .then()
                .statusCode(201);
        as(alice)
                .body(Map.of("body", "x".repeat(4000)))
                .post(MESSAGES, roomId)
                .then()
                .statusCode(201);
        as(alice)
                .body(Map.of("body", EMOJI.repeat(4001)))
                .post(MESSAGES, roomId)
                .then()
                .statusCode(400);
    }

    @Test
    void whenClientMessageIdIsOver64CharactersShouldAnswer400() {
        TestUser alice = register();
        String roomId = group(alice);
        as(alice)
                .body(Map.of("body", "x", "clientMessageId", "c".repeat(65)))
                .post(MESSAGES, roomId)
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("clientMessageId"));
        as(alice)
                .body(Map.of("body", "x", "clientMessageId", "c".repeat(64)))
                .post(MESSAGES, roomId)
                .then()
                .statusCode(201);
    }

    @Test
    void shouldPageHistoryAscendingWithHasMore() {
        TestUser alice = register();
        String roomId = group(alice);
        for (int i = 1; i <= 7; i++) {
            send(alice, roomId, "m" + i);
        }
        as(alice)
                .queryParam("limit", 3)
                .get(MESSAGES, roomId)
                .then()
                .statusCode(200)
                .body("items.seq", contains(5, 6, 7), "hasMore", is(true));
        as(alice)
                .queryParam("limit", 3)
                .queryParam("before", 5)
                .get(MESSAGES, roomId)
                .then()
                .body("items.seq", contains(2, 3, 4), "hasMore", is(true));
        as(alice)
                .queryParam("limit", 3)
                .queryParam("before", 2)
                .get(MESSAGES, roomId)
                .then()
                .body("items.seq", contains(1), "hasMore", is(false));
        as(alice)
                .queryParam("limit", 3)
                .queryParam("after", 2)
                .get(MESSAGES, roomId)
                .then()
                .body("items.seq", contains(3, 4, 5), "hasMore", is(true));
        as(alice)
                .queryParam("limit", 3)
                .queryParam("after", 4)
                .get(MESSAGES, roomId)
                .then()
                .body("items.seq", contains(5, 6, 7), "hasMore", is(false));
        as(alice).queryParam("after", 7).get(MESSAGES, roomId).then().body("items", hasSize(0), "hasMore", is(false));
        as(alice).get(MESSAGES, roomId).then().body("items", hasSize(7), "hasMore", is(false));
    }

    @Test
    void whenBothBeforeAndAfterShouldAnswer400() {
        TestUser alice = register();
        String roomId = group(alice);
        as(alice)
                .queryParam("before", 5)
                .queryParam("after", 1)
                .get(MESSAGES, roomId)
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("before"));
    }

    @Test
    void whenHistoryParametersAreOutOfRangeShouldAnswer400NamingThem() {
        TestUser alice = register();
        String roomId = group(alice);
        as(alice)
                .queryParam("limit", 0)
                .get(MESSAGES, roomId)
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("limit"));
        as(alice)
                .queryParam("limit", 201)
                .get(MESSAGES, roomId)
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("limit"));
        as(alice)
                .queryParam("limit", "ten")
                .get(MESSAGES, roomId)
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("limit"));
        as(alice)
                .queryParam("before", "x")
                .get(MESSAGES, roomId)
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("before"));
        as(alice)
                .queryParam("after", -1)
                .get(MESSAGES, roomId)
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("after"));
        as(alice).queryParam("limit", 200).get(MESSAGES, roomId).then().statusCode(200);
        as(alice).queryParam("limit", 1).get(MESSAGES, roomId).then().statusCode(200);
    }

    @Test
    void shouldLetTheAuthorEdit() {
        TestUser alice = register();
        String roomId = group(alice);
        String id = sendForId(alice, roomId, "typo");
        as(alice)
                .body(Map.of("body", "fixed"))
                .patch(MESSAGE, roomId, id)
                .then()
                .statusCode(200)
                .body("body", is("fixed"), "editedAt", notNullValue(), "seq", is(1));
        as(alice).get(MESSAGES, roomId).then().body("items[0].body", is("fixed"));
    }

    @Test
    void whenSomeoneElseEditsShouldAnswer403EvenAsOwner() {
        TestUser owner = register();
        TestUser author = register();
        String roomId = group(owner, author);
        String id = sendForId(author, roomId, "mine");
        as(owner)
                .body(Map.of("body", "yours"))
                .patch(MESSAGE, roomId, id)
                .then()
                .statusCode(403);
        as(owner).get(MESSAGES, roomId).then().body("items[0].body", is("mine"));
    }

    @Test
    void whenEditingWithABadBodyShouldAnswer400AndKeepTheText() {
        TestUser alice = register();
        String roomId = group(alice);
        String id = sendForId(alice, roomId, "keep");
        for (String blank : new String[] {" ", "\u200B", "\u2060\uFEFF", "\u3000"}) {
            as(alice)
                    .body(Map.of("body", blank))
                    .patch(MESSAGE, roomId, id)
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("errors.field", hasItem("body"));
        }
        as(alice)
                .body(Map.of("body", "x".repeat(4001)))
                .patch(MESSAGE, roomId, id)
                .then()
                .statusCode(400);
        as(alice).get(MESSAGES, roomId).then().body("items[0].body", is("keep"), "items[0].editedAt", nullValue());
    }

    @Test
    void whenEditingADeletedMessageShouldAnswer409() {
        TestUser alice = register();
        String roomId = group(alice);
        String id = sendForId(alice, roomId, "gone");
        as(alice).delete(MESSAGE, roomId, id).then().statusCode(204);
        as(alice).body(Map.of("body", "back")).patch(MESSAGE, roomId, id).then().statusCode(409);
    }

    @Test
    void shouldLeaveATombstoneWhenTheAuthorDeletes() {
        TestUser alice = register();
        String roomId = group(alice);
        String id = as(alice)
                .body(Map.of("body", "oops", "clientMessageId", "k"))
                .post(MESSAGES, roomId)
                .then()
                .extract()
                .path("id");
        as(alice).delete(MESSAGE, roomId, id).then().statusCode(204);
        as(alice)
                .get(MESSAGES, roomId)
                .then()
                .body(
                        "items[0].id",
                        is(id),
                        "items[0].deleted",
                        is(true),
                        "items[0].body",
                        nullValue(),
                        "items[0].seq",
                        is(1),
                        "items[0].clientMessageId",
                        is("k"));
    }

    @Test
    void whenDeletingTwiceShouldAnswer204Again() {
        TestUser alice = register();
        String roomId = group(alice);
        String id = sendForId(alice, roomId, "x");
        as(alice).delete(MESSAGE, roomId, id).then().statusCode(204);
        as(alice).delete(MESSAGE, roomId, id).then().statusCode(204);
    }

    @Test
    void shouldLetOwnerAndAdminDeleteOthersMessages() {
        TestUser owner = register();
        TestUser admin = register();
        TestUser author = register();
        String roomId = group(owner, admin, author);
        makeAdmin(owner, roomId, admin);
        as(owner).delete(MESSAGE, roomId, sendForId(author, roomId, "a")).then().statusCode(204);
        as(admin).delete(MESSAGE, roomId, sendForId(author, roomId, "b")).then().statusCode(204);
        as(author).get(MESSAGES, roomId).then().body("items.deleted", contains(true, true));
    }

    @Test
    void whenAPlainMemberDeletesOthersMessageShouldAnswer403() {
        TestUser owner = register();
        TestUser member = register();
        String roomId = group(owner, member);
        String id = sendForId(owner, roomId, "owner's");
        as(member).delete(MESSAGE, roomId, id).then().statusCode(403);
        as(member).get(MESSAGES, roomId).then().body("items[0].deleted", is(false));
    }

    @Test
    void whenMessageIdIsUnknownOrMalformedShouldAnswer404Or400() {
        TestUser alice = register();
        String roomId = group(alice);
        as(alice).delete(MESSAGE, roomId, UUID.randomUUID()).then().statusCode(404);
        as(alice)
                .body(Map.of("body", "x"))
                .patch(MESSAGE, roomId, UUID.randomUUID())
                .then()
                .statusCode(404);
        as(alice).delete(MESSAGE, roomId, "42").then().statusCode(400).body("errors.field", hasItem("messageId"));
    }

    @Test
    void shouldMoveReadAndDeliveredWatermarksForwardOnly() {
        TestUser alice = register();
        TestUser bob = register();
        String roomId = group(alice, bob);
        for (int i = 0; i < 5; i++) {
            send(alice, roomId, "m" + i);
        }
        String b = "items.find { it.userId == '" + bob.id() + "' }.";
        as(bob).body(Map.of("type", "delivered", "seq", 4))
                .post(RECEIPTS, roomId)
                .then()
                .statusCode(204);
        as(bob).get(MEMBERS, roomId).then().body(b + "lastDeliveredSeq", is(4), b + "lastReadSeq", is(0));
        as(bob).body(Map.of("type", "read", "seq", 5))
                .post(RECEIPTS, roomId)
                .then()
                .statusCode(204);
        as(bob).get(MEMBERS, roomId).then().body(b + "lastDeliveredSeq", is(5), b + "lastReadSeq", is(5));
        as(bob).body(Map.of("type", "read", "seq", 2))
                .post(RECEIPTS, roomId)
                .then()
                .statusCode(204);
        as(bob).body(Map.of("type", "delivered", "seq", 1))
                .post(RECEIPTS, roomId)
                .then()
                .statusCode(204);
        as(bob).get(MEMBERS, roomId).then().body(b + "lastDeliveredSeq", is(5), b + "lastReadSeq", is(5));
    }

    @Test
    void whenReceiptSeqIsAboveLastSeqOrNegativeShouldAnswer400() {
        TestUser alice = register();
        String roomId = group(alice);
        send(alice, roomId, "one");
        as(alice)
                .body(Map.of("type", "read", "seq", 2))
                .post(RECEIPTS, roomId)
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("seq"));
        as(alice)
                .body(Map.of("type", "read", "seq", -1))
                .post(RECEIPTS, roomId)
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("seq"));
        as(alice)
                .body(Map.of("type", "read", "seq", "1"))
                .post(RECEIPTS, roomId)
                .then()
                .statusCode(400);
        as(alice)
                .body(Map.of("type", "read", "seq", 0))
                .post(RECEIPTS, roomId)
                .then()
                .statusCode(204);
    }

    @Test
    void whenReceiptTypeIsUnknownShouldAnswer400() {
        TestUser alice = register();
        String roomId = group(alice);
        as(alice)
                .body(Map.of("type", "seen", "seq", 0))
                .post(RECEIPTS, roomId)
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("type"))
                .body("errors.message", hasItem("must be one of: read, delivered"));
    }

    @Test
    void shouldAcceptTypingWith204() {
        TestUser alice = register();
        String roomId = group(alice);
        as(alice).body(Map.of("typing", true)).post(TYPING, roomId).then().statusCode(204);
        as(alice).body(Map.of("typing", false)).post(TYPING, roomId).then().statusCode(204);
    }

    @Test
    void whenTypingIsNotABooleanShouldAnswer400() {
        TestUser alice = register();
        String roomId = group(alice);
        as(alice).body(Map.of("typing", "yes")).post(TYPING, roomId).then().statusCode(400);
        as(alice).body(Map.of()).post(TYPING, roomId).then().statusCode(400).body("errors.field", hasItem("typing"));
    }
}
