package dev.chat.room;

import static dev.chat.support.Api.newUser;
import static dev.chat.support.ProblemAssertions.assertInvalidField;
import static dev.chat.support.RoomApi.group;
import static dev.chat.support.RoomApi.makeAdmin;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.chat.support.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RoomResourceTest {

    private static final String ROOMS = "/api/rooms";
    private static final String ROOM = "/api/rooms/{roomId}";
    private static final String MEMBERS = "/api/rooms/{roomId}/members";
    private static final String MEMBER = "/api/rooms/{roomId}/members/{userId}";

    @Test
    void shouldCreateGroupRoomWithCreatorAsOwner() {
        TestUser owner = newUser();
        TestUser other = newUser();
        String roomId = owner.as()
                .body(Map.of("name", "Team", "memberIds", List.of(other.id(), owner.id())))
                .post(ROOMS)
                .then()
                .statusCode(201)
                .body(
                        "type",
                        is("group"),
                        "name",
                        is("Team"),
                        "lastSeq",
                        is(0),
                        "memberCount",
                        is(2),
                        "createdAt",
                        notNullValue())
                .extract()
                .path("id");
        String me = "items.find { it.userId == '" + owner.id() + "' }.";
        owner.as()
                .get(MEMBERS, roomId)
                .then()
                .statusCode(200)
                .body("items.userId", containsInAnyOrder(owner.id(), other.id()))
                .body(me + "role", is("owner"), me + "username", is(owner.username()))
                .body(me + "lastReadSeq", is(0), me + "lastDeliveredSeq", is(0))
                .body("items.find { it.userId == '" + other.id() + "' }.role", is("member"));
    }

    @Test
    void whenAMemberIdIsUnknownShouldAnswer400AndCreateNothing() {
        TestUser owner = newUser();
        String name = "ghost room " + UUID.randomUUID();
        owner.as()
                .body(Map.of(
                        "name", name, "memberIds", List.of(UUID.randomUUID().toString())))
                .post(ROOMS)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("memberIds"));
        owner.as().get(ROOMS).then().statusCode(200).body("items.name", not(hasItem(name)));
    }

    @Test
    void whenNameIsBlankOrTooLongShouldAnswer400NamingIt() {
        TestUser owner = newUser();
        // Unicode spaces are blank too (ideographic space, no-break space).
        for (String name : List.of("   ", "\u3000\u00a0", "x".repeat(101))) {
            assertInvalidField(owner.as().body(Map.of("name", name)).post(ROOMS).then(), "name");
        }
        owner.as().body(Map.of("name", "x".repeat(100))).post(ROOMS).then().statusCode(201);
    }

    @Test
    void whenAMemberIdIsMalformedShouldAnswer400() {
        TestUser owner = newUser();
        owner.as()
                .body(Map.of("name", "x", "memberIds", List.of("not-a-uuid")))
                .post(ROOMS)
                .then()
                .statusCode(400)
                .body("errors[0].field", is("memberIds[0]"));
    }

    @Test
    void shouldCreateOneDirectRoomPerPair() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        String first = alice.as()
                .body(Map.of("userId", bob.id()))
                .post(ROOMS + "/direct")
                .then()
                .statusCode(201)
                .body("type", is("direct"), "name", nullValue(), "memberCount", is(2))
                .extract()
                .path("id");
        alice.as()
                .body(Map.of("userId", bob.id()))
                .post(ROOMS + "/direct")
                .then()
                .statusCode(200)
                .body("id", is(first));
        bob.as()
                .body(Map.of("userId", alice.id()))
                .post(ROOMS + "/direct")
                .then()
                .statusCode(200)
                .body("id", is(first));
    }

    @Test
    void whenDirectRoomIsRequestedConcurrentlyShouldCreateItOnce() throws Exception {
        TestUser alice = newUser();
        TestUser bob = newUser();
        List<CompletableFuture<String>> calls = IntStream.range(0, 8)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> (i % 2 == 0 ? alice : bob)
                                .as()
                                .body(Map.of("userId", i % 2 == 0 ? bob.id() : alice.id()))
                                .post(ROOMS + "/direct")
                                .then()
                                .extract()
                                .statusCode()
                        + " "
                        + alice.as()
                                .body(Map.of("userId", bob.id()))
                                .post(ROOMS + "/direct")
                                .then()
                                .statusCode(200)
                                .extract()
                                .path("id")))
                .toList();
        List<String> results = calls.stream().map(CompletableFuture::join).toList();
        assertEquals(1, results.stream().filter(r -> r.startsWith("201")).count(), results.toString());
        assertEquals(1, results.stream().map(r -> r.substring(4)).distinct().count(), results.toString());
    }

    @Test
    void whenDirectRoomIsWithYourselfOrNobodyShouldAnswer400() {
        TestUser alice = newUser();
        assertInvalidField(
                alice.as()
                        .body(Map.of("userId", alice.id()))
                        .post(ROOMS + "/direct")
                        .then(),
                "userId");
        assertInvalidField(
                alice.as()
                        .body(Map.of("userId", UUID.randomUUID().toString()))
                        .post(ROOMS + "/direct")
                        .then(),
                "userId");
    }

    @Test
    void whenRoomIsDirectShouldRefuseRenameAndMemberChangesWith400() {
        TestUser alice = newUser();
        TestUser bob = newUser();
        TestUser carol = newUser();
        String roomId = alice.as()
                .body(Map.of("userId", bob.id()))
                .post(ROOMS + "/direct")
                .then()
                .extract()
                .path("id");
        alice.as().body(Map.of("name", "x")).patch(ROOM, roomId).then().statusCode(400);
        alice.as()
                .body(Map.of("userId", carol.id()))
                .post(MEMBERS, roomId)
                .then()
                .statusCode(400);
        alice.as().delete(MEMBER, roomId, bob.id()).then().statusCode(400);
        alice.as().delete(MEMBER, roomId, alice.id()).then().statusCode(400);
        alice.as().get(MEMBERS, roomId).then().body("items.userId", containsInAnyOrder(alice.id(), bob.id()));
    }

    @Test
    void shouldGetRoomForMember() {
        TestUser owner = newUser();
        String roomId = group(owner);
        owner.as().get(ROOM, roomId).then().statusCode(200).body("id", is(roomId), "memberCount", is(1));
    }

    @Test
    void shouldLetOwnerAndAdminRename() {
        TestUser owner = newUser();
        TestUser admin = newUser();
        String roomId = group(owner, admin);
        makeAdmin(owner, roomId, admin);
        owner.as()
                .body(Map.of("name", " New name "))
                .patch(ROOM, roomId)
                .then()
                .statusCode(200)
                .body("name", is("New name"));
        admin.as()
                .body(Map.of("name", "Admin's"))
                .patch(ROOM, roomId)
                .then()
                .statusCode(200)
                .body("name", is("Admin's"));
        owner.as().get(ROOM, roomId).then().body("name", is("Admin's"));
    }

    @Test
    void whenAPlainMemberRenamesShouldAnswer403AndKeepTheName() {
        TestUser owner = newUser();
        TestUser member = newUser();
        String roomId = group(owner, member);
        String name = owner.as().get(ROOM, roomId).then().extract().path("name");
        member.as().body(Map.of("name", "mine")).patch(ROOM, roomId).then().statusCode(403);
        owner.as().get(ROOM, roomId).then().body("name", is(name));
    }

    @Test
    void shouldAddMemberAndCountIt() {
        TestUser owner = newUser();
        TestUser newcomer = newUser();
        String roomId = group(owner);
        owner.as()
                .body(Map.of("userId", newcomer.id()))
                .post(MEMBERS, roomId)
                .then()
                .statusCode(201)
                .body(
                        "userId",
                        is(newcomer.id()),
                        "username",
                        is(newcomer.username()),
                        "role",
                        is("member"),
                        "joinedAt",
                        notNullValue(),
                        "lastReadSeq",
                        is(0),
                        "lastDeliveredSeq",
                        is(0));
        newcomer.as().get(ROOM, roomId).then().statusCode(200).body("memberCount", is(2));
    }

    @Test
    void whenAddingAnExistingMemberShouldAnswer409() {
        TestUser owner = newUser();
        TestUser member = newUser();
        String roomId = group(owner, member);
        owner.as()
                .body(Map.of("userId", member.id()))
                .post(MEMBERS, roomId)
                .then()
                .statusCode(409);
        owner.as().get(ROOM, roomId).then().body("memberCount", is(2));
    }

    @Test
    void whenAddingAnUnknownUserShouldAnswer400() {
        TestUser owner = newUser();
        String roomId = group(owner);
        assertInvalidField(
                owner.as()
                        .body(Map.of("userId", UUID.randomUUID().toString()))
                        .post(MEMBERS, roomId)
                        .then(),
                "userId");
    }

    @Test
    void whenAPlainMemberAddsSomeoneShouldAnswer403() {
        TestUser owner = newUser();
        TestUser member = newUser();
        TestUser outsider = newUser();
        String roomId = group(owner, member);
        member.as()
                .body(Map.of("userId", outsider.id()))
                .post(MEMBERS, roomId)
                .then()
                .statusCode(403);
        outsider.as().get(ROOM, roomId).then().statusCode(404);
    }

    @Test
    void shouldLetAdminAddMembers() {
        TestUser owner = newUser();
        TestUser admin = newUser();
        TestUser newcomer = newUser();
        String roomId = group(owner, admin);
        makeAdmin(owner, roomId, admin);
        admin.as()
                .body(Map.of("userId", newcomer.id()))
                .post(MEMBERS, roomId)
                .then()
                .statusCode(201);
    }

    @Test
    void shouldChangeRoleAsOwner() {
        TestUser owner = newUser();
        TestUser member = newUser();
        String roomId = group(owner, member);
        owner.as()
                .body(Map.of("role", "admin"))
                .patch(MEMBER, roomId, member.id())
                .then()
                .statusCode(200)
                .body("role", is("admin"), "userId", is(member.id()));
        owner.as()
                .body(Map.of("role", "member"))
                .patch(MEMBER, roomId, member.id())
                .then()
                .statusCode(200)
                .body("role", is("member"));
    }

    @Test
    void whenRoleIsOwnerOrUnknownShouldAnswer400() {
        TestUser owner = newUser();
        TestUser member = newUser();
        String roomId = group(owner, member);
        for (Object role : new Object[] {"owner", "boss", 1}) {
            assertInvalidField(
                    owner.as()
                            .body(Map.of("role", role))
                            .patch(MEMBER, roomId, member.id())
                            .then(),
                    "role");
        }
    }

    @Test
    void whenOwnerChangesOwnRoleShouldAnswer400() {
        TestUser owner = newUser();
        String roomId = group(owner, newUser());
        owner.as()
                .body(Map.of("role", "member"))
                .patch(MEMBER, roomId, owner.id())
                .then()
                .statusCode(400);
        owner.as()
                .get(MEMBERS, roomId)
                .then()
                .body("items.find { it.userId == '" + owner.id() + "' }.role", is("owner"));
    }

    @Test
    void whenAnAdminChangesRolesShouldAnswer403() {
        TestUser owner = newUser();
        TestUser admin = newUser();
        TestUser member = newUser();
        String roomId = group(owner, admin, member);
        makeAdmin(owner, roomId, admin);
        admin.as()
                .body(Map.of("role", "admin"))
                .patch(MEMBER, roomId, member.id())
                .then()
                .statusCode(403);
    }

    @Test
    void whenChangingRoleOfANonMemberShouldAnswer404() {
        TestUser owner = newUser();
        String roomId = group(owner);
        owner.as()
                .body(Map.of("role", "admin"))
                .patch(MEMBER, roomId, newUser().id())
                .then()
                .statusCode(404);
    }

    @Test
    void shouldLetOwnerRemoveAnyone() {
        TestUser owner = newUser();
        TestUser admin = newUser();
        TestUser member = newUser();
        String roomId = group(owner, admin, member);
        makeAdmin(owner, roomId, admin);
        owner.as().delete(MEMBER, roomId, admin.id()).then().statusCode(204);
        owner.as().delete(MEMBER, roomId, member.id()).then().statusCode(204);
        admin.as().get(ROOM, roomId).then().statusCode(404);
        owner.as().get(ROOM, roomId).then().body("memberCount", is(1));
    }

    @Test
    void shouldLetAdminRemovePlainMembersOnly() {
        TestUser owner = newUser();
        TestUser admin = newUser();
        TestUser otherAdmin = newUser();
        TestUser member = newUser();
        String roomId = group(owner, admin, otherAdmin, member);
        makeAdmin(owner, roomId, admin);
        makeAdmin(owner, roomId, otherAdmin);
        admin.as().delete(MEMBER, roomId, owner.id()).then().statusCode(403);
        admin.as().delete(MEMBER, roomId, otherAdmin.id()).then().statusCode(403);
        admin.as().delete(MEMBER, roomId, member.id()).then().statusCode(204);
        owner.as()
                .get(MEMBERS, roomId)
                .then()
                .body("items.userId", containsInAnyOrder(owner.id(), admin.id(), otherAdmin.id()));
    }

    @Test
    void whenAPlainMemberRemovesSomeoneShouldAnswer403() {
        TestUser owner = newUser();
        TestUser member = newUser();
        TestUser other = newUser();
        String roomId = group(owner, member, other);
        member.as().delete(MEMBER, roomId, other.id()).then().statusCode(403);
        owner.as().get(ROOM, roomId).then().body("memberCount", is(3));
    }

    @Test
    void whenRemovingANonMemberShouldAnswer404() {
        TestUser owner = newUser();
        String roomId = group(owner);
        owner.as().delete(MEMBER, roomId, newUser().id()).then().statusCode(404);
    }

    @Test
    void shouldLetAMemberLeave() {
        TestUser owner = newUser();
        TestUser member = newUser();
        String roomId = group(owner, member);
        member.as().delete(MEMBER, roomId, member.id()).then().statusCode(204);
        member.as().get(ROOM, roomId).then().statusCode(404);
        owner.as().get(ROOM, roomId).then().body("memberCount", is(1));
    }

    @Test
    void whenOwnerLeavesShouldHandOwnershipToLongestStandingMember() {
        TestUser owner = newUser();
        TestUser first = newUser();
        TestUser second = newUser();
        String roomId = group(owner, first);
        owner.as()
                .body(Map.of("userId", second.id()))
                .post(MEMBERS, roomId)
                .then()
                .statusCode(201);
        owner.as().delete(MEMBER, roomId, owner.id()).then().statusCode(204);
        first.as()
                .get(MEMBERS, roomId)
                .then()
                .statusCode(200)
                .body("items.userId", contains(first.id(), second.id()))
                .body("items.role", contains("owner", "member"));
        first.as().body(Map.of("name", "mine now")).patch(ROOM, roomId).then().statusCode(200);
    }

    @Test
    void whenLastMemberLeavesShouldDeleteTheRoom() {
        TestUser owner = newUser();
        String roomId = group(owner);
        owner.as().delete(MEMBER, roomId, owner.id()).then().statusCode(204);
        owner.as().get(ROOM, roomId).then().statusCode(404);
        owner.as().get(ROOMS).then().body("items.id", not(hasItem(roomId)));
    }

    /**
     * Removals in many rooms at once, then the last members leaving them (which deletes each room). Hibernate
     * Reactive's entity delete shares state between sessions (hibernate-reactive#1713): under this load a
     * removal once ran on another request's thread (HR000069, a 500) or left its transaction open until
     * PostgreSQL's idle timeout, with the client waiting.
     */
    @Test
    void whenMembersLeaveManyRoomsAtOnceEveryRemovalCommitsAndAnswers() throws Exception {
        TestUser owner = newUser();
        List<TestUser> members = IntStream.range(0, 4).mapToObj(i -> newUser()).toList();
        List<String> rooms = IntStream.range(0, 40)
                .mapToObj(i -> group(owner, members.get(i % members.size())))
                .toList();
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> removals = new ArrayList<>();
            for (int i = 0; i < rooms.size(); i++) {
                String room = rooms.get(i);
                TestUser member = members.get(i % members.size());
                removals.add(callers.submit(
                        () -> owner.as().delete(MEMBER, room, member.id()).statusCode()));
            }
            assertEquals(Collections.nCopies(rooms.size(), 204), answers(removals));
            List<Future<Integer>> departures = new ArrayList<>();
            for (String room : rooms) {
                departures.add(callers.submit(
                        () -> owner.as().delete(MEMBER, room, owner.id()).statusCode()));
            }
            assertEquals(Collections.nCopies(rooms.size(), 204), answers(departures));
        } finally {
            callers.shutdownNow();
        }
        for (String room : rooms) {
            owner.as().get(ROOM, room).then().statusCode(404);
        }
    }

    private static List<Integer> answers(List<Future<Integer>> calls) throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (Future<Integer> call : calls) {
            statuses.add(call.get(20, TimeUnit.SECONDS));
        }
        return statuses;
    }

    @Test
    void whenRoomIdIsMalformedShouldAnswer400() {
        TestUser owner = newUser();
        owner.as().get(ROOM, "nope").then().statusCode(400).body("errors[0].field", equalTo("roomId"));
        owner.as()
                .delete(MEMBER, UUID.randomUUID(), "nope")
                .then()
                .statusCode(400)
                .body("errors[0].field", equalTo("userId"));
    }

    @Test
    void whenNoTokenShouldAnswer401() {
        io.restassured.RestAssured.given().get(ROOMS).then().statusCode(401);
        io.restassured.RestAssured.given().get(ROOM, UUID.randomUUID()).then().statusCode(401);
    }
}
