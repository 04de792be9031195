package dev.chat.room;

import static dev.chat.support.Api.newUser;
import static dev.chat.support.RoomApi.group;
import static dev.chat.support.RoomApi.makeAdmin;
import static dev.chat.support.RoomApi.sendForId;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chat.support.Api;
import dev.chat.support.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The REST security model as a table: every endpoint against every actor, the status each must get. The same
 * table, rendered as markdown, is SECURITY.md's (the test fails when the two differ, and writes the rendering
 * to target/authorization-matrix.md). Every cell runs against a fresh room, so no cell depends on another, and
 * a refused call must leave the room, its members and its messages as they were.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationMatrixTest {

    /** Who calls: nobody, a user who never was in the room, one who was removed from it, and its three roles. */
    enum Actor {
        ANONYMOUS("anonymous"),
        STRANGER("stranger"),
        REMOVED("removed member"),
        MEMBER("member"),
        ADMIN("admin"),
        OWNER("owner");

        final String label;

        Actor(String label) {
            this.label = label;
        }
    }

    /** One cell's world: a room with an owner, an admin, the actor (if a member) and a plain member, the target. */
    record World(String room, TestUser owner, TestUser admin, TestUser target, String targetsMessage, TestUser actor) {}

    /** A row: the call, and the status for each actor in {@link Actor} order. */
    record Row(String call, BiFunction<RequestSpecification, World, Response> request, int... expected) {}

    private static final String ROOM = "/api/rooms/{roomId}";
    private static final String MEMBERS = ROOM + "/members";
    private static final String MEMBER = ROOM + "/members/{userId}";
    private static final String MESSAGES = ROOM + "/messages";
    private static final String MESSAGE = ROOM + "/messages/{messageId}";
    private static final Path SECURITY_MD = Path.of("SECURITY.md");

    // anonymous, stranger, removed member, member, admin, owner
    static final List<Row> TABLE = List.of(
            new Row(
                    "POST /api/auth/register",
                    (r, w) -> r.body(Map.of("username", Api.uniqueName("mx"), "password", Api.PASSWORD))
                            .post("/api/auth/register"),
                    201,
                    201,
                    201,
                    201,
                    201,
                    201),
            new Row(
                    "POST /api/auth/login",
                    (r, w) -> r.body(Map.of("username", w.owner().username(), "password", Api.PASSWORD))
                            .post("/api/auth/login"),
                    200,
                    200,
                    200,
                    200,
                    200,
                    200),
            new Row(
                    "POST /api/auth/refresh",
                    (r, w) -> r.body(Map.of("refreshToken", freshRefreshToken(w.owner())))
                            .post("/api/auth/refresh"),
                    200,
                    200,
                    200,
                    200,
                    200,
                    200),
            new Row(
                    "POST /api/auth/logout",
                    (r, w) -> r.body(Map.of("refreshToken", "not a live token")).post("/api/auth/logout"),
                    401,
                    204,
                    204,
                    204,
                    204,
                    204),
            new Row("POST /api/auth/ws-ticket", (r, w) -> r.post("/api/auth/ws-ticket"), 401, 200, 200, 200, 200, 200),
            new Row("GET /api/users/me", (r, w) -> r.get("/api/users/me"), 401, 200, 200, 200, 200, 200),
            new Row(
                    "PATCH /api/users/me",
                    (r, w) -> r.body(Map.of("displayName", "Renamed")).patch("/api/users/me"),
                    401,
                    200,
                    200,
                    200,
                    200,
                    200),
            new Row(
                    "GET /api/users/{userId}",
                    (r, w) -> r.get("/api/users/{id}", w.target().id()),
                    401,
                    200,
                    200,
                    200,
                    200,
                    200),
            new Row(
                    "GET /api/users?query=",
                    (r, w) -> r.queryParam("query", "u_").get("/api/users"),
                    401,
                    200,
                    200,
                    200,
                    200,
                    200),
            new Row(
                    "POST /api/rooms",
                    (r, w) -> r.body(Map.of("name", "mine")).post("/api/rooms"),
                    401,
                    201,
                    201,
                    201,
                    201,
                    201),
            new Row(
                    "POST /api/rooms/direct (with a new partner)",
                    (r, w) -> r.body(Map.of("userId", newUser().id())).post("/api/rooms/direct"),
                    401,
                    201,
                    201,
                    201,
                    201,
                    201),
            new Row("GET /api/rooms", (r, w) -> r.get("/api/rooms"), 401, 200, 200, 200, 200, 200),
            new Row("GET /api/rooms/{roomId}", (r, w) -> r.get(ROOM, w.room()), 401, 404, 404, 200, 200, 200),
            new Row(
                    "PATCH /api/rooms/{roomId}",
                    (r, w) -> r.body(Map.of("name", "renamed")).patch(ROOM, w.room()),
                    401,
                    404,
                    404,
                    403,
                    200,
                    200),
            new Row(
                    "GET /api/rooms/{roomId}/members",
                    (r, w) -> r.get(MEMBERS, w.room()),
                    401,
                    404,
                    404,
                    200,
                    200,
                    200),
            new Row(
                    "POST /api/rooms/{roomId}/members (a new user)",
                    (r, w) -> r.body(Map.of("userId", newUser().id())).post(MEMBERS, w.room()),
                    401,
                    404,
                    404,
                    403,
                    201,
                    201),
            new Row(
                    "PATCH /api/rooms/{roomId}/members/{member} (role admin)",
                    (r, w) -> r.body(Map.of("role", "admin"))
                            .patch(MEMBER, w.room(), w.target().id()),
                    401,
                    404,
                    404,
                    403,
                    403,
                    200),
            new Row(
                    "DELETE /api/rooms/{roomId}/members/{member} (remove a member)",
                    (r, w) -> r.delete(MEMBER, w.room(), w.target().id()),
                    401,
                    404,
                    404,
                    403,
                    204,
                    204),
            new Row(
                    "DELETE /api/rooms/{roomId}/members/{owner} (remove the owner)",
                    (r, w) -> r.delete(MEMBER, w.room(), w.owner().id()),
                    401,
                    404,
                    404,
                    403,
                    403,
                    204),
            new Row(
                    "DELETE /api/rooms/{roomId}/members/{self} (leave)",
                    (r, w) -> r.delete(
                            MEMBER,
                            w.room(),
                            w.actor() != null ? w.actor().id() : w.target().id()),
                    401,
                    404,
                    404,
                    204,
                    204,
                    204),
            new Row(
                    "GET /api/rooms/{roomId}/messages",
                    (r, w) -> r.get(MESSAGES, w.room()),
                    401,
                    404,
                    404,
                    200,
                    200,
                    200),
            new Row(
                    "POST /api/rooms/{roomId}/messages",
                    (r, w) -> r.body(Map.of("body", "hi")).post(MESSAGES, w.room()),
                    401,
                    404,
                    404,
                    201,
                    201,
                    201),
            new Row(
                    "PATCH /api/rooms/{roomId}/messages/{messageId} (another's)",
                    (r, w) -> r.body(Map.of("body", "x")).patch(MESSAGE, w.room(), w.targetsMessage()),
                    401,
                    404,
                    404,
                    403,
                    403,
                    403),
            new Row(
                    "DELETE /api/rooms/{roomId}/messages/{messageId} (another's)",
                    (r, w) -> r.delete(MESSAGE, w.room(), w.targetsMessage()),
                    401,
                    404,
                    404,
                    403,
                    204,
                    204),
            new Row(
                    "POST /api/rooms/{roomId}/receipts",
                    (r, w) -> r.body(Map.of("type", "read", "seq", 1)).post(ROOM + "/receipts", w.room()),
                    401,
                    404,
                    404,
                    204,
                    204,
                    204),
            new Row(
                    "POST /api/rooms/{roomId}/typing",
                    (r, w) -> r.body(Map.of("typing", true)).post(ROOM + "/typing", w.room()),
                    401,
                    404,
                    404,
                    204,
                    204,
                    204));

    private TestUser owner;
    private TestUser admin;
    private TestUser member;
    private TestUser target;
    private TestUser removed;
    private TestUser stranger;

    /** Once per class, but not in @BeforeAll: RestAssured learns the test port only around each test. */
    @BeforeEach
    void users() {
        if (owner == null) {
            owner = newUser();
            admin = newUser();
            member = newUser();
            target = newUser();
            removed = newUser();
            stranger = newUser();
            // The PATCH /api/users/me row renames its caller to "Renamed" in the middle of other cells, which
            // see these users in their member lists: a rename to the name they already have changes nothing.
            for (TestUser user : List.of(owner, admin, member, target, removed, stranger)) {
                user.as()
                        .body(Map.of("displayName", "Renamed"))
                        .patch("/api/users/me")
                        .then()
                        .statusCode(200);
            }
        }
    }

    @Test
    void everyEndpointShouldAnswerEveryActorAsTheSecurityModelSays() throws Exception {
        // 156 cells, each on a room of its own, so they can run side by side: four at a time.
        ExecutorService cells = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (Row row : TABLE) {
                for (Actor actor : Actor.values()) {
                    answers.add(cells.submit(() -> cell(row, actor)));
                }
            }
            List<String> wrong = new ArrayList<>();
            for (Future<String> answer : answers) {
                String problem = answer.get();
                if (problem != null) {
                    wrong.add(problem);
                }
            }
            assertEquals(List.of(), wrong);
        } finally {
            cells.shutdownNow();
        }
    }

    /** One call by one actor on a fresh room: what is wrong with its answer, or null. */
    private String cell(Row row, Actor actor) {
        World world = world(actor);
        int expected = row.expected()[actor.ordinal()];
        String before = expected >= 400 ? snapshot(world) : null;
        int status = row.request().apply(spec(actor), world).statusCode();
        if (status != expected) {
            return row.call() + " as " + actor.label + ": " + status + ", expected " + expected;
        }
        if (status >= 400 && !before.equals(snapshot(world))) {
            return row.call() + " as " + actor.label + ": refused with " + status + " but changed the room";
        }
        return null;
    }

    @Test
    void securityMdShouldShowThisTable() throws IOException {
        String table = markdown();
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "authorization-matrix.md"), table);
        String doc = Files.readString(SECURITY_MD);
        assertTrue(doc.contains(table), "SECURITY.md's table differs from the test's; the test's is:\n" + table);
    }

    @Test
    void whenMessageBelongsToAnotherRoomShouldAnswer404() {
        TestUser alice = newUser();
        String here = group(alice);
        String there = group(alice);
        String theirs = sendForId(alice, there, "elsewhere");
        alice.as().body(Map.of("body", "x")).patch(MESSAGE, here, theirs).then().statusCode(404);
        alice.as().delete(MESSAGE, here, theirs).then().statusCode(404);
        alice.as().get(MESSAGES, there).then().body("items[0].body", is("elsewhere"), "items[0].deleted", is(false));
    }

    @Test
    void whenRoomDoesNotExistShouldAnswer404LikeANonMember() {
        TestUser alice = newUser();
        String nowhere = java.util.UUID.randomUUID().toString();
        alice.as().get(ROOM, nowhere).then().statusCode(404);
        alice.as().body(Map.of("body", "hi")).post(MESSAGES, nowhere).then().statusCode(404);
        alice.as().get(MEMBERS, nowhere).then().statusCode(404);
    }

    /** A fresh room: owner, admin, member, target (a plain member with a message), and one removed member. */
    private World world(Actor actor) {
        String room = group(owner, admin, member, target, removed);
        makeAdmin(owner, room, admin);
        owner.as().delete(MEMBER, room, removed.id()).then().statusCode(204);
        String message = sendForId(target, room, "target's message");
        TestUser self = switch (actor) {
            case ANONYMOUS -> null;
            case STRANGER -> stranger;
            case REMOVED -> removed;
            case MEMBER -> member;
            case ADMIN -> admin;
            case OWNER -> owner;
        };
        return new World(room, owner, admin, target, message, self);
    }

    private RequestSpecification spec(Actor actor) {
        TestUser user = switch (actor) {
            case ANONYMOUS -> null;
            case STRANGER -> stranger;
            case REMOVED -> removed;
            case MEMBER -> member;
            case ADMIN -> admin;
            case OWNER -> owner;
        };
        return user == null ? given().contentType(ContentType.JSON) : user.as();
    }

    /** What a refused call must not change: the room, its members and roles, its messages. */
    private static String snapshot(World w) {
        return w.owner().as().get(ROOM, w.room()).asString()
                + w.owner().as().get(MEMBERS, w.room()).asString()
                + w.owner().as().get(MESSAGES, w.room()).asString();
    }

    private static String freshRefreshToken(TestUser user) {
        return Api.user(Api.login(user.username(), Api.PASSWORD).statusCode(200))
                .refreshToken();
    }

    static String markdown() {
        StringBuilder out = new StringBuilder("| call |");
        for (Actor actor : Actor.values()) {
            out.append(' ').append(actor.label).append(" |");
        }
        out.append("\n|---|").append("---|".repeat(Actor.values().length)).append('\n');
        for (Row row : TABLE) {
            int note = row.call().indexOf(" (");
            String call = note < 0
                    ? "`" + row.call() + "`"
                    : "`" + row.call().substring(0, note) + "`" + row.call().substring(note);
            out.append("| ").append(call).append(" |");
            for (int status : row.expected()) {
                out.append(' ').append(status).append(" |");
            }
            out.append('\n');
        }
        return out.toString();
    }
}
