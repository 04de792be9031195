package dev.chat.room;

import static dev.chat.support.RoomApi.as;
import static dev.chat.support.RoomApi.group;
import static dev.chat.support.RoomApi.register;
import static dev.chat.support.RoomApi.sendForId;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.chat.support.RoomApi.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Who may do what: a room a caller is not in does not exist for them (404 on every room-scoped call, never
 * 403); a member lacking the role gets 403; a message id from another room is 404. Each refused call
 * must also leave the room unchanged.
 */
@QuarkusTest
class AuthorizationMatrixTest {

    private static final String ROOM = "/api/rooms/{roomId}";
    private static final String MEMBERS = "/api/rooms/{roomId}/members";
    private static final String MEMBER = "/api/rooms/{roomId}/members/{userId}";
    private static final String MESSAGES = "/api/rooms/{roomId}/messages";
    private static final String MESSAGE = "/api/rooms/{roomId}/messages/{messageId}";

    @Test
    void whenNotAMemberEveryRoomScopedCallShouldAnswer404() {
        TestUser owner = register();
        TestUser member = register();
        TestUser outsider = register();
        String roomId = group(owner, member);
        String messageId = sendForId(owner, roomId, "secret");

        Map<String, Function<RequestSpecification, Response>> calls = new LinkedHashMap<>();
        calls.put("get room", r -> r.get(ROOM, roomId));
        calls.put("rename", r -> r.body(Map.of("name", "pwned")).patch(ROOM, roomId));
        calls.put("list members", r -> r.get(MEMBERS, roomId));
        calls.put("add member", r -> r.body(Map.of("userId", outsider.id())).post(MEMBERS, roomId));
        calls.put("change role", r -> r.body(Map.of("role", "admin")).patch(MEMBER, roomId, member.id()));
        calls.put("remove member", r -> r.delete(MEMBER, roomId, member.id()));
        calls.put("leave", r -> r.delete(MEMBER, roomId, outsider.id()));
        calls.put("history", r -> r.get(MESSAGES, roomId));
        calls.put("send", r -> r.body(Map.of("body", "hi")).post(MESSAGES, roomId));
        calls.put("edit", r -> r.body(Map.of("body", "x")).patch(MESSAGE, roomId, messageId));
        calls.put("delete", r -> r.delete(MESSAGE, roomId, messageId));
        calls.put(
                "receipt", r -> r.body(Map.of("type", "read", "seq", 1)).post("/api/rooms/{roomId}/receipts", roomId));
        calls.put("typing", r -> r.body(Map.of("typing", true)).post("/api/rooms/{roomId}/typing", roomId));

        assertAll(calls.entrySet().stream().map(call -> (Executable)
                () -> assertEquals(404, call.getValue().apply(as(outsider)).statusCode(), call.getKey())));

        as(owner).get(ROOM, roomId).then().body("memberCount", is(2), "lastSeq", is(1));
        as(owner).get(MESSAGES, roomId).then().body("items[0].body", is("secret"), "items[0].deleted", is(false));
    }

    @Test
    void whenAMemberLacksTheRoleShouldAnswer403() {
        TestUser owner = register();
        TestUser member = register();
        TestUser other = register();
        TestUser outsider = register();
        String roomId = group(owner, member, other);
        String ownersMessage = sendForId(owner, roomId, "owner's");

        Map<String, Function<RequestSpecification, Response>> calls = new LinkedHashMap<>();
        calls.put("rename", r -> r.body(Map.of("name", "mine")).patch(ROOM, roomId));
        calls.put("add member", r -> r.body(Map.of("userId", outsider.id())).post(MEMBERS, roomId));
        calls.put("change role", r -> r.body(Map.of("role", "admin")).patch(MEMBER, roomId, other.id()));
        calls.put("remove member", r -> r.delete(MEMBER, roomId, other.id()));
        calls.put("edit others' message", r -> r.body(Map.of("body", "x")).patch(MESSAGE, roomId, ownersMessage));
        calls.put("delete others' message", r -> r.delete(MESSAGE, roomId, ownersMessage));

        assertAll(calls.entrySet().stream().map(call -> (Executable)
                () -> assertEquals(403, call.getValue().apply(as(member)).statusCode(), call.getKey())));

        as(owner).get(ROOM, roomId).then().body("memberCount", is(3));
        as(owner).get(MESSAGES, roomId).then().body("items[0].body", is("owner's"), "items[0].deleted", is(false));
    }

    @Test
    void whenMessageBelongsToAnotherRoomShouldAnswer404() {
        TestUser alice = register();
        String here = group(alice);
        String there = group(alice);
        String theirs = sendForId(alice, there, "elsewhere");
        as(alice).body(Map.of("body", "x")).patch(MESSAGE, here, theirs).then().statusCode(404);
        as(alice).delete(MESSAGE, here, theirs).then().statusCode(404);
        as(alice).get(MESSAGES, there).then().body("items[0].body", is("elsewhere"), "items[0].deleted", is(false));
    }

    @Test
    void whenRoomDoesNotExistShouldAnswer404LikeANonMember() {
        TestUser alice = register();
        String nowhere = java.util.UUID.randomUUID().toString();
        as(alice).get(ROOM, nowhere).then().statusCode(404);
        as(alice).body(Map.of("body", "hi")).post(MESSAGES, nowhere).then().statusCode(404);
        as(alice).get(MEMBERS, nowhere).then().statusCode(404);
    }
}
