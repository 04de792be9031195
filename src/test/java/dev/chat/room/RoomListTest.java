package dev.chat.room;

import static dev.chat.support.Api.newUser;
import static dev.chat.support.ProblemAssertions.assertInvalidField;
import static dev.chat.support.RoomApi.group;
import static dev.chat.support.RoomApi.send;
import static dev.chat.support.RoomApi.sendForId;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.chat.support.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RoomListTest {

    private static final String ROOMS = "/api/rooms";
    private static final String RECEIPTS = "/api/rooms/{roomId}/receipts";
    private static final String MESSAGE = "/api/rooms/{roomId}/messages/{messageId}";

    @Test
    void shouldListMyRoomsMostRecentActivityFirst() {
        TestUser me = newUser();
        String first = group(me);
        String second = group(me);
        String third = group(me);
        send(me, first, "wake up");
        me.as()
                .get(ROOMS)
                .then()
                .statusCode(200)
                .body("items.id", contains(first, third, second), "nextCursor", nullValue());
    }

    @Test
    void shouldListOnlyRoomsIAmAMemberOf() {
        TestUser me = newUser();
        TestUser other = newUser();
        group(other);
        String shared = group(other, me);
        me.as().get(ROOMS).then().body("items.id", contains(shared));
    }

    @Test
    void shouldWalkAllRoomsWithTheCursor() {
        TestUser me = newUser();
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(0, group(me)); // newest first
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = me.as().queryParam("limit", 2);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.get(ROOMS).then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("items.id", String.class));
            cursor = page.getString("nextCursor");
            pages++;
        } while (cursor != null);
        assertEquals(created, seen);
        assertEquals(3, pages);
    }

    @Test
    void whenCursorOrLimitIsInvalidShouldAnswer400NamingIt() {
        TestUser me = newUser();
        assertInvalidField(me.as().queryParam("cursor", "garbage!").get(ROOMS).then(), "cursor");
        assertInvalidField(
                me.as().queryParam("cursor", "MTIzOm5vdC1hLXV1aWQ").get(ROOMS).then(), "cursor");
        assertInvalidField(me.as().queryParam("limit", 0).get(ROOMS).then(), "limit");
        assertInvalidField(me.as().queryParam("limit", 101).get(ROOMS).then(), "limit");
        me.as().queryParam("limit", 100).get(ROOMS).then().statusCode(200);
    }

    @Test
    void shouldShowLastMessageOrNull() {
        TestUser me = newUser();
        String empty = group(me);
        me.as()
                .get(ROOMS)
                .then()
                .body(
                        "items[0].id",
                        is(empty),
                        "items[0].lastMessage",
                        nullValue(),
                        "items[0].unreadCount",
                        is(0),
                        "items[0].lastReadSeq",
                        is(0),
                        "items[0].type",
                        is("group"),
                        "items[0].createdAt",
                        notNullValue());
        send(me, empty, "first");
        send(me, empty, "second");
        me.as()
                .get(ROOMS)
                .then()
                .body(
                        "items[0].lastMessage.body",
                        is("second"),
                        "items[0].lastMessage.seq",
                        is(2),
                        "items[0].lastSeq",
                        is(2),
                        "items[0].memberCount",
                        is(1));
    }

    @Test
    void whenLastMessageIsDeletedShouldShowTheTombstone() {
        TestUser me = newUser();
        String roomId = group(me);
        String id = sendForId(me, roomId, "regret");
        me.as().delete(MESSAGE, roomId, id).then().statusCode(204);
        me.as()
                .get(ROOMS)
                .then()
                .body(
                        "items[0].lastMessage.id",
                        is(id),
                        "items[0].lastMessage.deleted",
                        is(true),
                        "items[0].lastMessage.body",
                        nullValue());
    }

    @Test
    void shouldCountUnreadAfterReadsSendsAndDeletes() {
        TestUser me = newUser();
        TestUser other = newUser();
        String roomId = group(other, me);
        send(other, roomId, "1");
        send(other, roomId, "2");
        String third = sendForId(other, roomId, "3");
        assertUnread(me, roomId, 3, 0);

        me.as()
                .body(Map.of("type", "read", "seq", 2))
                .post(RECEIPTS, roomId)
                .then()
                .statusCode(204);
        assertUnread(me, roomId, 1, 2);

        me.as()
                .body(Map.of("type", "delivered", "seq", 3))
                .post(RECEIPTS, roomId)
                .then()
                .statusCode(204);
        assertUnread(me, roomId, 1, 2); // delivered is not read

        other.as().delete(MESSAGE, roomId, third).then().statusCode(204);
        assertUnread(me, roomId, 0, 2); // a tombstone is nothing to read

        send(other, roomId, "4");
        send(other, roomId, "5");
        assertUnread(me, roomId, 2, 2);
        assertUnread(other, roomId, 0, 5); // own messages never count, and sending reads

        send(me, roomId, "6"); // sending moves my own read watermark past everything before it
        assertUnread(me, roomId, 0, 6);
    }

    private static void assertUnread(TestUser user, String roomId, int unread, int lastReadSeq) {
        user.as()
                .get(ROOMS)
                .then()
                .statusCode(200)
                .body("items.find { it.id == '" + roomId + "' }.unreadCount", is(unread))
                .body("items.find { it.id == '" + roomId + "' }.lastReadSeq", is(lastReadSeq));
    }
}
