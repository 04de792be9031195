package dev.chat.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chat.support.Api;
import dev.chat.support.RoomApi;
import dev.chat.support.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The real-time half of the security model: every pushed event type against every actor, delivered or not.
 * The table is SECURITY.md's second one (the test fails when the two differ, and writes its rendering to
 * target/event-authorization-matrix.md). Anonymous has no column: without credentials there is no connection
 * ({@link #anonymousCannotConnect}).
 *
 * <p>Each row gets a fresh room R, made by the owner with an admin, a plain member, the removed member (removed
 * while connected) and, unless the row adds them, the row's own user X: the one who causes the event or is its
 * subject. The stranger was never in R. Each observer holds one open connection throughout (X: from the room's
 * making, or, in the presence row, from the moment it comes online). The five standing observers share a fence
 * room F with a fence user; X shares a room of its own with the fence user.
 *
 * <p>"Not delivered" is proven by a fence, never by waiting: after the event, the fence user sends a message to
 * F and to X's room, which every observer must receive; an observer that got the fence and not the event before
 * it never will. This holds because the event is published (after its commit) before its HTTP call answers, and
 * the fence only after that: every event goes to every hub (one per event loop) in publication order, and a hub
 * writes each connection's frames in the order it handles the events. Presence, which has a queue of its own in
 * {@link WsClient}, is fenced the same way with the fence user's own presence.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventAuthorizationMatrixTest {

    /** Who receives: every actor but anonymous, which cannot connect, and the row's own user. */
    enum Actor {
        STRANGER("stranger"),
        REMOVED("removed member"),
        MEMBER("member"),
        ADMIN("admin"),
        OWNER("owner"),
        SUBJECT("the member it is about");

        final String label;

        Actor(String label) {
            this.label = label;
        }
    }

    /** How X stands in R before the event. */
    enum Start {
        MEMBER,
        ADMIN,
        /** Not in R: the event adds them. */
        OUTSIDE,
        /** A member with no connection yet: the event is its coming online. */
        OFFLINE
    }

    /** One row's room R, X, X's message in it, and the seq of the owner's (newer) message. */
    record World(String room, TestUser subject, String subjectsMessage, long ownersSeq, String subjectsFenceRoom) {}

    /**
     * The event type, what causes it and how X stands before it, and for each actor (in {@link Actor} order)
     * whether it is delivered.
     */
    record Row(String type, String cause, Start start, Consumer<World> trigger, boolean... delivered) {}

    private static final String ROOM = "/api/rooms/{roomId}";
    private static final String MEMBERS = ROOM + "/members";
    private static final String MEMBER = ROOM + "/members/{userId}";
    private static final String MESSAGE = ROOM + "/messages/{messageId}";
    private static final Path SECURITY_MD = Path.of("SECURITY.md");

    private static final boolean YES = true;
    private static final boolean NO = false;

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    Vertx vertx;

    // stranger, removed member, member, admin, owner, the member it is about
    final List<Row> table = List.of(
            new Row(
                    "message.created",
                    "it sends",
                    Start.MEMBER,
                    w -> RoomApi.send(w.subject(), w.room(), "hello"),
                    NO,
                    NO,
                    YES,
                    YES,
                    YES,
                    YES),
            new Row(
                    "message.updated",
                    "it edits its message",
                    Start.MEMBER,
                    w -> w.subject()
                            .as()
                            .body(Map.of("body", "edited"))
                            .patch(MESSAGE, w.room(), w.subjectsMessage())
                            .then()
                            .statusCode(200),
                    NO,
                    NO,
                    YES,
                    YES,
                    YES,
                    YES),
            new Row(
                    "message.deleted",
                    "it deletes its message",
                    Start.MEMBER,
                    w -> w.subject()
                            .as()
                            .delete(MESSAGE, w.room(), w.subjectsMessage())
                            .then()
                            .statusCode(204),
                    NO,
                    NO,
                    YES,
                    YES,
                    YES,
                    YES),
            new Row(
                    "member.added",
                    "the owner adds it",
                    Start.OUTSIDE,
                    w -> owner().as()
                            .body(Map.of("userId", w.subject().id()))
                            .post(MEMBERS, w.room())
                            .then()
                            .statusCode(201),
                    NO,
                    NO,
                    YES,
                    YES,
                    YES,
                    YES),
            new Row(
                    "member.removed",
                    "the owner removes it",
                    Start.MEMBER,
                    w -> owner().as()
                            .delete(MEMBER, w.room(), w.subject().id())
                            .then()
                            .statusCode(204),
                    NO,
                    NO,
                    YES,
                    YES,
                    YES,
                    YES),
            new Row(
                    "room.updated",
                    "it renames the room (as admin)",
                    Start.ADMIN,
                    w -> w.subject()
                            .as()
                            .body(Map.of("name", "renamed"))
                            .patch(ROOM, w.room())
                            .then()
                            .statusCode(200),
                    NO,
                    NO,
                    YES,
                    YES,
                    YES,
                    YES),
            new Row(
                    "typing",
                    "it types",
                    Start.MEMBER,
                    w -> w.subject()
                            .as()
                            .body(Map.of("typing", true))
                            .post(ROOM + "/typing", w.room())
                            .then()
                            .statusCode(204),
                    NO,
                    NO,
                    YES,
                    YES,
                    YES,
                    NO),
            new Row(
                    "receipt",
                    "it reads the owner's message",
                    Start.MEMBER,
                    w -> w.subject()
                            .as()
                            .body(Map.of("type", "read", "seq", w.ownersSeq()))
                            .post(ROOM + "/receipts", w.room())
                            .then()
                            .statusCode(204),
                    NO,
                    NO,
                    YES,
                    YES,
                    YES,
                    YES),
            new Row("presence", "it comes online", Start.OFFLINE, w -> connectSubject(w), NO, NO, YES, YES, YES, NO));

    private final Map<Actor, TestUser> users = new EnumMap<>(Actor.class);
    private final Map<Actor, WsClient> sockets = new EnumMap<>(Actor.class);
    private TestUser fenceUser;
    private String fenceRoom;
    private int fences;

    /** Once per class, but not in @BeforeAll: RestAssured learns the test port only around each test. */
    @BeforeEach
    void observers() {
        if (fenceUser != null) {
            return;
        }
        fenceUser = Api.newUser();
        List<TestUser> standing = new ArrayList<>();
        for (Actor actor : standing()) {
            users.put(actor, Api.newUser());
            standing.add(users.get(actor));
        }
        fenceRoom = RoomApi.group(fenceUser, standing.toArray(TestUser[]::new));
        for (Actor actor : standing()) {
            sockets.put(actor, WsClient.ready(vertx, ws, users.get(actor).accessToken()));
        }
    }

    @AfterAll
    void closeSockets() {
        sockets.values().forEach(WsClient::close);
    }

    @Test
    void anonymousCannotConnect() {
        assertEquals(401, WsClient.refused(vertx, ws, null, null));
    }

    @Test
    void everyEventTypeShouldReachExactlyTheActorsTheSecurityModelSays() {
        List<String> wrong = new ArrayList<>();
        for (Row row : table) {
            World world = world(row.start());
            if (row.start() != Start.OFFLINE) {
                connectSubject(world);
            }
            boolean presence = row.type().equals("presence");
            // Whatever the room's making pushed is behind us.
            if (presence) {
                presenceFence(world);
            } else {
                fence(world);
            }
            row.trigger().accept(world);
            Map<Actor, List<JsonObject>> seen = presence ? presenceFence(world) : fence(world);
            for (Actor actor : Actor.values()) {
                boolean expected = row.delivered()[actor.ordinal()];
                List<JsonObject> ofTheRow = seen.get(actor).stream()
                        .filter(frame -> presence
                                ? world.subject()
                                        .id()
                                        .equals(frame.getJsonObject("data").getString("userId"))
                                : world.room().equals(frame.getString("roomId")))
                        .toList();
                boolean delivered =
                        ofTheRow.stream().anyMatch(frame -> row.type().equals(frame.getString("type")));
                if (delivered != expected) {
                    wrong.add(row.type() + " for " + actor.label + ": " + (delivered ? "delivered" : "not delivered")
                            + ", expected " + (expected ? "delivered" : "not delivered"));
                } else if (!expected && !ofTheRow.isEmpty()) {
                    wrong.add(row.type() + " for " + actor.label + ": got " + ofTheRow);
                }
            }
            sockets.remove(Actor.SUBJECT).close();
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void securityMdShouldShowThisTable() throws IOException {
        String table = markdown();
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "event-authorization-matrix.md"), table);
        String doc = Files.readString(SECURITY_MD);
        assertTrue(doc.contains(table), "SECURITY.md's event table differs from the test's; the test's is:\n" + table);
    }

    /** A fresh room R and a fresh X for one row; R's removed member removed while connected. */
    private World world(Start start) {
        TestUser owner = owner();
        TestUser subject = Api.newUser();
        List<TestUser> members =
                new ArrayList<>(List.of(users.get(Actor.ADMIN), users.get(Actor.MEMBER), users.get(Actor.REMOVED)));
        if (start != Start.OUTSIDE) {
            members.add(subject);
        }
        String room = RoomApi.group(owner, members.toArray(TestUser[]::new));
        RoomApi.makeAdmin(owner, room, users.get(Actor.ADMIN));
        if (start == Start.ADMIN) {
            RoomApi.makeAdmin(owner, room, subject);
        }
        owner.as().delete(MEMBER, room, users.get(Actor.REMOVED).id()).then().statusCode(204);
        String subjectsMessage = start == Start.OUTSIDE ? null : RoomApi.sendForId(subject, room, "its message");
        long ownersSeq = RoomApi.send(owner, room, "the owner's");
        String subjectsFenceRoom = RoomApi.group(fenceUser, subject);
        return new World(room, subject, subjectsMessage, ownersSeq, subjectsFenceRoom);
    }

    private void connectSubject(World world) {
        sockets.put(Actor.SUBJECT, WsClient.ready(vertx, ws, world.subject().accessToken()));
    }

    private static List<Actor> standing() {
        return List.of(Actor.STRANGER, Actor.REMOVED, Actor.MEMBER, Actor.ADMIN, Actor.OWNER);
    }

    private TestUser owner() {
        return users.get(Actor.OWNER);
    }

    /** The fence user's message to F and to X's room; returns, per observer, the frames that came before it. */
    private Map<Actor, List<JsonObject>> fence(World world) {
        String body = "fence " + ++fences;
        RoomApi.send(fenceUser, fenceRoom, body);
        RoomApi.send(fenceUser, world.subjectsFenceRoom(), body);
        Map<Actor, List<JsonObject>> before = new EnumMap<>(Actor.class);
        for (Actor actor : Actor.values()) {
            String room = actor == Actor.SUBJECT ? world.subjectsFenceRoom() : fenceRoom;
            List<JsonObject> frames = new ArrayList<>();
            while (true) {
                JsonObject frame = sockets.get(actor).next(); // bounded: fails when the fence never comes
                if ("message.created".equals(frame.getString("type"))
                        && room.equals(frame.getString("roomId"))
                        && body.equals(frame.getJsonObject("data").getString("body"))) {
                    break;
                }
                frames.add(frame);
            }
            before.put(actor, frames);
        }
        return before;
    }

    /**
     * The fence user comes online and goes offline again (it holds no other connection); returns, per observer
     * connected now, the presence frames that came before its "online" and its "offline".
     */
    private Map<Actor, List<JsonObject>> presenceFence(World world) {
        Map<Actor, List<JsonObject>> before = new EnumMap<>(Actor.class);
        try (WsClient fenceWs = WsClient.ready(vertx, ws, fenceUser.accessToken())) {
            for (Actor actor : sockets.keySet()) {
                before.put(actor, presenceUntil(actor, true));
            }
        }
        for (Actor actor : sockets.keySet()) {
            before.get(actor).addAll(presenceUntil(actor, false));
        }
        return before;
    }

    private List<JsonObject> presenceUntil(Actor actor, boolean online) {
        List<JsonObject> frames = new ArrayList<>();
        while (true) {
            JsonObject frame = sockets.get(actor).nextPresence();
            JsonObject data = frame.getJsonObject("data");
            if (fenceUser.id().equals(data.getString("userId")) && data.getBoolean("online") == online) {
                return frames;
            }
            frames.add(frame);
        }
    }

    String markdown() {
        StringBuilder md = new StringBuilder("| event | what happens |");
        for (Actor actor : Actor.values()) {
            md.append(' ').append(actor.label).append(" |");
        }
        md.append("\n|---|---|");
        md.append("---|".repeat(Actor.values().length));
        md.append('\n');
        for (Row row : table) {
            md.append("| `")
                    .append(row.type())
                    .append("` | ")
                    .append(row.cause())
                    .append(" |");
            for (boolean delivered : row.delivered()) {
                md.append(delivered ? " delivered |" : " not delivered |");
            }
            md.append('\n');
        }
        return md.toString();
    }
}
