package dev.chat.message;

import static dev.chat.support.Api.newUser;
import static dev.chat.support.ProblemAssertions.assertInvalidField;
import static dev.chat.support.RoomApi.group;
import static dev.chat.support.RoomApi.makeAdmin;
import static dev.chat.support.RoomApi.send;
import static dev.chat.support.RoomApi.sendForId;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import dev.chat.support.TestUser;
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
        TestUser alice = newUser();
        String roomId = group(alice);
        alice.as()
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
        alice.as()
                .body(Map.of("body", "again"))
                .post(MESSAGES, roomId)
                .then()
                .statusCode(201)
                .body("seq", is(2));
        alice.as().get(ROOM, roomId).then().body("lastSeq", is(2));
    }

    @Test
    void shouldAdvanceTheSendersOwnWatermarksOnly() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        String roomId = group(alice, bob);
        send(alice, roomId, "one");
        send(alice, roomId, "two");
        String a = "items.find { it.userId == '" + alice.id() + "' }.";
        String b = "items.find { it.userId == '" + bob.id() + "' }.";
        bob.as()
                .get(MEMBERS, roomId)
                .then()
                .body(a + "lastReadSeq", is(2), a + "lastDeliveredSeq", is(2))
                .body(b + "lastReadSeq", is(0), b + "lastDeliveredSeq", is(0));
    }

    @Test
    void whenClientMessageIdRepeatsShouldAnswer200WithTheOriginal() {
        TestUser alice = newUser();
        String roomId = group(alice);
        String id = alice.as()
                .body(Map.of("body", "hi", "clientMessageId", "c-1"))
                .post(MESSAGES, roomId)
                .then()
                .statusCode(201)
                .body("clientMessageId", is("c-1"))
                .extract()
                .path("id");
        alice.as()
                .body(Map.of("body", "hi (retry)", "clientMessageId", "c-1"))
                .post(MESSAGES, roomId)
                .then()
                .statusCode(200)
                .body("id", is(id), "body", is("hi"), "seq", is(1));
        alice.as().get(ROOM, roomId).then().body("lastSeq", is(1));
    }

    @Test
    void whenAnotherSenderUsesTheSameClientMessageIdShouldStoreBoth() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        String roomId = group(alice, bob);
        alice.as()
                .body(Map.of("body", "a", "clientMessageId", "same"))
                .post(MESSAGES, roomId)
                .then()
                .statusCode(201);
        bob.as()
                .body(Map.of("body", "b", "clientMessageId", "same"))
                .post(MESSAGES, roomId)
                .then()
                .statusCode(201)
                .body("seq", is(2));
    }

    @Test
    void shouldReplyToAMessageOfTheRoom() {
        TestUser alice = newUser();
        String roomId = group(alice);
        String original = sendForId(alice, roomId, "question");
        alice.as()
                .body(Map.of("body", "answer", "replyToId", original))
                .post(MESSAGES, roomId)
                .then()
                .statusCode(201)
                .body("replyToId", is(original));
    }

    @Test
    void whenReplyToIsNotInTheRoomShouldAnswer400AndStoreNothing() {
        TestUser alice = newUser();
        String roomId = group(alice);
        String elsewhere = sendForId(alice, group(alice), "other room");
        for (String replyTo : new String[] {elsewhere, UUID.randomUUID().toString()}) {
            assertInvalidField(
                    alice.as()
                            .body(Map.of("body", "answer", "replyToId", replyTo))
                            .post(MESSAGES, roomId)
                            .then(),
                    "replyToId");
        }
        alice.as().get(ROOM, roomId).then().body("lastSeq", is(0));
    }

    @Test
    void whenBodyIsBlankMissingOrTooLongShouldAnswer400AndStoreNothing() {
        TestUser alice = newUser();
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
            alice.as()
                    .body(request)
                    .post(MESSAGES, roomId)
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("errors.field", hasItem("body"));
        }
        alice.as().get(ROOM, roomId).then().body("lastSeq", is(0));
    }

    @Test
    void shouldCountBodyLengthInCharactersNotUtf16Units() {
        TestUser alice = newUser();
        String roomId = group(alice);
        alice.as()
                .body(Map.of("body", EMOJI.repeat(4000)))
                .post(MESSAGES, roomId)
                .then()
                .statusCode(201);
        alice.as()
                .body(Map.of("body", "x".repeat(4000)))
                .post(MESSAGES, roomId)
                .then()
                .statusCode(201);
        alice.as()
                .body(Map.of("body", EMOJI.repeat(4001)))
                .post(MESSAGES, roomId)
                .then()
                .statusCode(400);
    }

    @Test
    void whenClientMessageIdIsOver64CharactersShouldAnswer400() {
        TestUser alice = newUser();
        String roomId = group(alice);
        assertInvalidField(
                alice.as()
                        .body(Map.of("body", "x", "clientMessageId", "c".repeat(65)))
                        .post(MESSAGES, roomId)
                        .then(),
                "clientMessageId");
        alice.as()
                .body(Map.of("body", "x", "clientMessageId", "c".repeat(64)))
                .post(MESSAGES, roomId)
                .then()
                .statusCode(201);
    }

    @Test
    void shouldPageHistoryAscendingWithHasMore() {
        TestUser alice = newUser();
        String roomId = group(alice);
        for (int i = 1; i <= 7; i++) {
            send(alice, roomId, "m" + i);
        }
        alice.as()
                .queryParam("limit", 3)
                .get(MESSAGES, roomId)
                .then()
                .statusCode(200)
                .body("items.seq", contains(5, 6, 7), "hasMore", is(true));
        alice.as()
                .queryParam("limit", 3)
                .queryParam("before", 5)
                .get(MESSAGES, roomId)
                .then()
                .body("items.seq", contains(2, 3, 4), "hasMore", is(true));
        alice.as()
                .queryParam("limit", 3)
                .queryParam("before", 2)
                .get(MESSAGES, roomId)
                .then()
                .body("items.seq", contains(1), "hasMore", is(false));
        alice.as()
                .queryParam("limit", 3)
                .queryParam("after", 2)
                .get(MESSAGES, roomId)
                .then()
                .body("items.seq", contains(3, 4, 5), "hasMore", is(true));
        alice.as()
                .queryParam("limit", 3)
                .queryParam("after", 4)
                .get(MESSAGES, roomId)
                .then()
                .body("items.seq", contains(5, 6, 7), "hasMore", is(false));
        alice.as().queryParam("after", 7).get(MESSAGES, roomId).then().body("items", hasSize(0), "hasMore", is(false));
        alice.as().get(MESSAGES, roomId).then().body("items", hasSize(7), "hasMore", is(false));
    }

    @Test
    void whenBothBeforeAndAfterShouldAnswer400() {
        TestUser alice = newUser();
        String roomId = group(alice);
        assertInvalidField(
                alice.as()
                        .queryParam("before", 5)
                        .queryParam("after", 1)
                        .get(MESSAGES, roomId)
                        .then(),
                "before");
    }

    @Test
    void whenHistoryParametersAreOutOfRangeShouldAnswer400NamingThem() {
        TestUser alice = newUser();
        String roomId = group(alice);
        assertInvalidField(
                alice.as().queryParam("limit", 0).get(MESSAGES, roomId).then(), "limit");
        assertInvalidField(
                alice.as().queryParam("limit", 201).get(MESSAGES, roomId).then(), "limit");
        assertInvalidField(
                alice.as().queryParam("limit", "ten").get(MESSAGES, roomId).then(), "limit");
        assertInvalidField(
                alice.as().queryParam("before", "x").get(MESSAGES, roomId).then(), "before");
        assertInvalidField(
                alice.as().queryParam("after", -1).get(MESSAGES, roomId).then(), "after");
        alice.as().queryParam("limit", 200).get(MESSAGES, roomId).then().statusCode(200);
        alice.as().queryParam("limit", 1).get(MESSAGES, roomId).then().statusCode(200);
    }

    @Test
    void shouldLetTheAuthorEdit() {
        TestUser alice = newUser();
        String roomId = group(alice);
        String id = sendForId(alice, roomId, "typo");
        alice.as()
                .body(Map.of("body", "fixed"))
                .patch(MESSAGE, roomId, id)
                .then()
                .statusCode(200)
                .body("body", is("fixed"), "editedAt", notNullValue(), "seq", is(1));
        alice.as().get(MESSAGES, roomId).then().body("items[0].body", is("fixed"));
    }

    @Test
    void whenSomeoneElseEditsShouldAnswer403EvenAsOwner() {
        TestUser owner = newUser();
        TestUser author = newUser();
        String roomId = group(owner, author);
        String id = sendForId(author, roomId, "mine");
        owner.as()
                .body(Map.of("body", "yours"))
                .patch(MESSAGE, roomId, id)
                .then()
                .statusCode(403);
        owner.as().get(MESSAGES, roomId).then().body("items[0].body", is("mine"));
    }

    @Test
    void whenEditingWithABadBodyShouldAnswer400AndKeepTheText() {
        TestUser alice = newUser();
        String roomId = group(alice);
        String id = sendForId(alice, roomId, "keep");
        for (String blank : new String[] {" ", "\u200B", "\u2060\uFEFF", "\u3000"}) {
            alice.as()
                    .body(Map.of("body", blank))
                    .patch(MESSAGE, roomId, id)
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("errors.field", hasItem("body"));
        }
        alice.as()
                .body(Map.of("body", "x".repeat(4001)))
                .patch(MESSAGE, roomId, id)
                .then()
                .statusCode(400);
        alice.as().get(MESSAGES, roomId).then().body("items[0].body", is("keep"), "items[0].editedAt", nullValue());
    }

    @Test
    void whenEditingADeletedMessageShouldAnswer409() {
        TestUser alice = newUser();
        String roomId = group(alice);
        String id = sendForId(alice, roomId, "gone");
        alice.as().delete(MESSAGE, roomId, id).then().statusCode(204);
        alice.as()
                .body(Map.of("body", "back"))
                .patch(MESSAGE, roomId, id)
                .then()
                .statusCode(409);
    }

    @Test
    void shouldLeaveATombstoneWhenTheAuthorDeletes() {
        TestUser alice = newUser();
        String roomId = group(alice);
        String id = alice.as()
                .body(Map.of("body", "oops", "clientMessageId", "k"))
                .post(MESSAGES, roomId)
                .then()
                .extract()
                .path("id");
        alice.as().delete(MESSAGE, roomId, id).then().statusCode(204);
        alice.as()
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
        TestUser alice = newUser();
        String roomId = group(alice);
        String id = sendForId(alice, roomId, "x");
        alice.as().delete(MESSAGE, roomId, id).then().statusCode(204);
        alice.as().delete(MESSAGE, roomId, id).then().statusCode(204);
    }

    @Test
    void shouldLetOwnerAndAdminDeleteOthersMessages() {
        TestUser owner = newUser();
        TestUser admin = newUser();
        TestUser author = newUser();
        String roomId = group(owner, admin, author);
        makeAdmin(owner, roomId, admin);
        owner.as()
                .delete(MESSAGE, roomId, sendForId(author, roomId, "a"))
                .then()
                .statusCode(204);
        admin.as()
                .delete(MESSAGE, roomId, sendForId(author, roomId, "b"))
                .then()
                .statusCode(204);
        author.as().get(MESSAGES, roomId).then().body("items.deleted", contains(true, true));
    }

    @Test
    void whenAPlainMemberDeletesOthersMessageShouldAnswer403() {
        TestUser owner = newUser();
        TestUser member = newUser();
        String roomId = group(owner, member);
        String id = sendForId(owner, roomId, "owner's");
        member.as().delete(MESSAGE, roomId, id).then().statusCode(403);
        member.as().get(MESSAGES, roomId).then().body("items[0].deleted", is(false));
    }

    @Test
    void whenMessageIdIsUnknownOrMalformedShouldAnswer404Or400() {
        TestUser alice = newUser();
        String roomId = group(alice);
        alice.as().delete(MESSAGE, roomId, UUID.randomUUID()).then().statusCode(404);
        alice.as()
                .body(Map.of("body", "x"))
                .patch(MESSAGE, roomId, UUID.randomUUID())
                .then()
                .statusCode(404);
        assertInvalidField(alice.as().delete(MESSAGE, roomId, "42").then(), "messageId");
    }

    @Test
    void shouldMoveReadAndDeliveredWatermarksForwardOnly() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        String roomId = group(alice, bob);
        for (int i = 0; i < 5; i++) {
            send(alice, roomId, "m" + i);
        }
        String b = "items.find { it.userId == '" + bob.id() + "' }.";
        bob.as()
                .body(Map.of("type", "delivered", "seq", 4))
                .post(RECEIPTS, roomId)
                .then()
                .statusCode(204);
        bob.as().get(MEMBERS, roomId).then().body(b + "lastDeliveredSeq", is(4), b + "lastReadSeq", is(0));
        bob.as()
                .body(Map.of("type", "read", "seq", 5))
                .post(RECEIPTS, roomId)
                .then()
                .statusCode(204);
        bob.as().get(MEMBERS, roomId).then().body(b + "lastDeliveredSeq", is(5), b + "lastReadSeq", is(5));
        bob.as()
                .body(Map.of("type", "read", "seq", 2))
                .post(RECEIPTS, roomId)
                .then()
                .statusCode(204);
        bob.as()
                .body(Map.of("type", "delivered", "seq", 1))
                .post(RECEIPTS, roomId)
                .then()
                .statusCode(204);
        bob.as().get(MEMBERS, roomId).then().body(b + "lastDeliveredSeq", is(5), b + "lastReadSeq", is(5));
    }

    @Test
    void whenReceiptSeqIsAboveLastSeqOrNegativeShouldAnswer400() {
        TestUser alice = newUser();
        String roomId = group(alice);
        send(alice, roomId, "one");
        assertInvalidField(
                alice.as()
                        .body(Map.of("type", "read", "seq", 2))
                        .post(RECEIPTS, roomId)
                        .then(),
                "seq");
        assertInvalidField(
                alice.as()
                        .body(Map.of("type", "read", "seq", -1))
                        .post(RECEIPTS, roomId)
                        .then(),
                "seq");
        alice.as()
                .body(Map.of("type", "read", "seq", "1"))
                .post(RECEIPTS, roomId)
                .then()
                .statusCode(400);
        alice.as()
                .body(Map.of("type", "read", "seq", 0))
                .post(RECEIPTS, roomId)
                .then()
                .statusCode(204);
    }

    @Test
    void whenReceiptTypeIsUnknownShouldAnswer400() {
        TestUser alice = newUser();
        String roomId = group(alice);
        assertInvalidField(
                        alice.as()
                                .body(Map.of("type", "seen", "seq", 0))
                                .post(RECEIPTS, roomId)
                                .then(),
                        "type")
                .body("errors.message", hasItem("must be one of: read, delivered"));
    }

    @Test
    void shouldAcceptTypingWith204() {
        TestUser alice = newUser();
        String roomId = group(alice);
        alice.as().body(Map.of("typing", true)).post(TYPING, roomId).then().statusCode(204);
        alice.as().body(Map.of("typing", false)).post(TYPING, roomId).then().statusCode(204);
    }

    @Test
    void whenTypingIsNotABooleanShouldAnswer400() {
        TestUser alice = newUser();
        String roomId = group(alice);
        alice.as().body(Map.of("typing", "yes")).post(TYPING, roomId).then().statusCode(400);
        assertInvalidField(alice.as().body(Map.of()).post(TYPING, roomId).then(), "typing");
    }
}
