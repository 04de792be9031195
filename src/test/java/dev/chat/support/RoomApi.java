package dev.chat.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Test helpers for conversations: real registrations, real rooms, real messages, all over HTTP. */
public final class RoomApi {

    private RoomApi() {}

    /** A group room owned by {@code owner} with the others as members; its id. */
    public static String group(TestUser owner, TestUser... members) {
        List<String> ids = Arrays.stream(members).map(TestUser::id).toList();
        return Api.text(Api.fixture(
                        "POST",
                        "/api/rooms",
                        owner.accessToken(),
                        Map.of("name", "room " + UUID.randomUUID(), "memberIds", ids),
                        201)
                .path("id"));
    }

    /** Sends a message; its seq. */
    public static long send(TestUser sender, String roomId, String body) {
        return sent(sender, roomId, body).required("seq").asLong(); // fails when missing, as JsonPath did
    }

    /** Sends a message; its id. */
    public static String sendForId(TestUser sender, String roomId, String body) {
        return Api.text(sent(sender, roomId, body).path("id"));
    }

    private static JsonNode sent(TestUser sender, String roomId, String body) {
        return Api.fixture(
                "POST", "/api/rooms/" + roomId + "/messages", sender.accessToken(), Map.of("body", body), 201);
    }

    public static void makeAdmin(TestUser owner, String roomId, TestUser member) {
        Api.fixture(
                "PATCH",
                "/api/rooms/" + roomId + "/members/" + member.id(),
                owner.accessToken(),
                Map.of("role", "admin"),
                200);
    }
}
