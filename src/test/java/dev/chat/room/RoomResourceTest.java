package dev.chat.room;

import static dev.chat.support.RoomApi.as;
import static dev.chat.support.RoomApi.group;
import static dev.chat.support.RoomApi.makeAdmin;
import static dev.chat.support.RoomApi.register;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.chat.support.RoomApi.TestUser;
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
        TestUser owner = register();
        TestUser other = register();
        String roomId = as(owner)
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
        as(owner)
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
        TestUser owner = register();
        String name = "ghost room " + UUID.randomUUID();
        as(owner)
                .body(Map.of(
                        "name", name, "memberIds", List.of(UUID.randomUUID().toString())))
                .post(ROOMS)
                .then()
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("memberIds"));
        as(owner).get(ROOMS).then().statusCode(200).body("items.name", not(hasItem(name)));
    }

    @Test
    void whenNameIsBlankOrTooLongShouldAnswer400NamingIt() {
        TestUser owner = register();
        as(owner).body(Map.of("name", "   ")).post(ROOMS).then().statusCode(400).body("errors.field", hasItem("name"));
        // Unicode spaces are blank too (ideographic space, no-break space).
        as(owner)
                .body(Map.of("name", "\u3000\u00a0"))
                .post(ROOMS)
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("name"));
        as(owner)
                .body(Map.of("name", "x".repeat(101)))
                .post(ROOMS)
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("name"));
        as(owner).body(Map.of("name", "x".repeat(100))).post(ROOMS).then().statusCode(201);
    }

    @Test
    void whenAMemberIdIsMalformedShouldAnswer400() {
        TestUser owner = register();
        as(owner)
                .body(Map.of("name", "x", "memberIds", List.of("not-a-uuid")))
                .post(ROOMS)
                .then()
                .statusCode(400)
                .body("errors[0].field", is("memberIds[0]"));
    }

    @Test
    void shouldCreateOneDirectRoomPerPair() {
        TestUser alice = register();
        TestUser bob = register();
        String first = as(alice)
                .body(Map.of("userId", bob.id()))
                .post(ROOMS + "/direct")
                .then()
                .statusCode(201)
                .body("type", is("direct"), "name", nullValue(), "memberCount", is(2))
                .extract()
                .path("id");
        as(alice)
                .body(Map.of("userId", bob.id()))
                .post(ROOMS + "/direct")
                .then()
                .statusCode(200)
                .body("id", is(first));
        as(bob).body(Map.of("userId", alice.id()))
                .post(ROOMS + "/direct")
                .then()
                .statusCode(200)
                .body("id", is(first));
    }

    @Test
    void whenDirectRoomIsRequestedConcurrentlyShouldCreateItOnce() throws Exception {
        TestUser alice = register();
        TestUser bob = register();
        List<CompletableFuture<String>> calls = IntStream.range(0, 8)
                .mapToObj(i -> CompletableFuture.supplyAsync(() -> as(i % 2 == 0 ? alice : bob)
                                .body(Map.of("userId", i % 2 == 0 ? bob.id() : alice.id()))
                                .post(ROOMS + "/direct")
                                .then()
                                .extract()
                                .statusCode()
                        + " "
                        + as(alice)
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
        TestUser alice = register();
        as(alice)
                .body(Map.of("userId", alice.id()))
                .post(ROOMS + "/direct")
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("userId"));
        as(alice)
                .body(Map.of("userId", UUID.randomUUID().toString()))
                .post(ROOMS + "/direct")
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("userId"));
    }

    @Test
    void whenRoomIsDirectShouldRefuseRenameAndMemberChangesWith400() {
        TestUser alice = register();
        TestUser bob = register();
        TestUser carol = register();
        String roomId = as(alice)
                .body(Map.of("userId", bob.id()))
                .post(ROOMS + "/direct")
                .then()
                .extract()
                .path("id");
        as(alice).body(Map.of("name", "x")).patch(ROOM, roomId).then().statusCode(400);
        as(alice)
                .body(Map.of("userId", carol.id()))
                .post(MEMBERS, roomId)
                .then()
                .statusCode(400);
        as(alice).delete(MEMBER, roomId, bob.id()).then().statusCode(400);
        as(alice).delete(MEMBER, roomId, alice.id()).then().statusCode(400);
        as(alice).get(MEMBERS, roomId).then().body("items.userId", containsInAnyOrder(alice.id(), bob.id()));
    }

    @Test
    void shouldGetRoomForMember() {
        TestUser owner = register();
        String roomId = group(owner);
        as(owner).get(ROOM, roomId).then().statusCode(200).body("id", is(roomId), "memberCount", is(1));
    }

    @Test
    void shouldLetOwnerAndAdminRename() {
        TestUser owner = register();
        TestUser admin = register();
        String roomId = group(owner, admin);
        makeAdmin(owner, roomId, admin);
        as(owner)
                .body(Map.of("name", " New name "))
                .patch(ROOM, roomId)
                .then()
                .statusCode(200)
                .body("name", is("New name"));
        as(admin)
                .body(Map.of("name", "Admin's"))
                .patch(ROOM, roomId)
                .then()
                .statusCode(200)
                .body("name", is("Admin's"));
        as(owner).get(ROOM, roomId).then().body("name", is("Admin's"));
    }

    @Test
    void whenAPlainMemberRenamesShouldAnswer403AndKeepTheName() {
        TestUser owner = register();
        TestUser member = register();
        String roomId = group(owner, member);
        String name = as(owner).get(ROOM, roomId).then().extract().path("name");
        as(member).body(Map.of("name", "mine")).patch(ROOM, roomId).then().statusCode(403);
        as(owner).get(ROOM, roomId).then().body("name", is(name));
    }

    @Test
    void shouldAddMemberAndCountIt() {
        TestUser owner = register();
        TestUser newcomer = register();
        String roomId = group(owner);
        as(owner)
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
        as(newcomer).get(ROOM, roomId).then().statusCode(200).body("memberCount", is(2));
    }

    @Test
    void whenAddingAnExistingMemberShouldAnswer409() {
        TestUser owner = register();
        TestUser member = register();
        String roomId = group(owner, member);
        as(owner)
                .body(Map.of("userId", member.id()))
                .post(MEMBERS, roomId)
                .then()
                .statusCode(409);
        as(owner).get(ROOM, roomId).then().body("memberCount", is(2));
    }

    @Test
    void whenAddingAnUnknownUserShouldAnswer400() {
        TestUser owner = register();
        String roomId = group(owner);
        as(owner)
                .body(Map.of("userId", UUID.randomUUID().toString()))
                .post(MEMBERS, roomId)
                .then()
                .statusCode(400)
                .body("errors.field", hasItem("userId"));
    }

    @Test
    void whenAPlainMemberAddsSomeoneShouldAnswer403() {
        TestUser owner = register();
        TestUser member = register();
        TestUser outsider = register();
        String roomId = group(owner, member);
        as(member)
                .body(Map.of("userId", outsider.id()))
                .post(MEMBERS, roomId)
                .then()
                .statusCode(403);
        as(outsider).get(ROOM, roomId).then().statusCode(404);
    }

    @Test
    void shouldLetAdminAddMembers() {
        TestUser owner = register();
        TestUser admin = register();
        TestUser newcomer = register();
        String roomId = group(owner, admin);
        makeAdmin(owner, roomId, admin);
        as(admin)
                .body(Map.of("userId", newcomer.id()))
                .post(MEMBERS, roomId)
                .then()
                .statusCode(201);
    }

    @Test
    void shouldChangeRoleAsOwner() {
        TestUser owner = register();
        TestUser member = register();
        String roomId = group(owner, member);
        as(owner)
                .body(Map.of("role", "admin"))
                .patch(MEMBER, roomId, member.id())
                .then()
                .statusCode(200)
                .body("role", is("admin"), "userId", is(member.id()));
        as(owner)
                .body(Map.of("role", "member"))
                .patch(MEMBER, roomId, member.id())
                .then()
                .statusCode(200)
                .body("role", is("member"));
    }

    @Test
    void whenRoleIsOwnerOrUnknownShouldAnswer400() {
        TestUser owner = register();
        TestUser member = register();
        String roomId = group(owner, member);
        for (Object role : new Object[] {"owner", "boss", 1}) {
            as(owner)
                    .body(Map.of("role", role))
                    .patch(MEMBER, roomId, member.id())
                    .then()
                    .statusCode(400)
                    .body("errors.field", hasItem("role"));
        }
    }

    @Test
    void whenOwnerChangesOwnRoleShouldAnswer400() {
        TestUser owner = register();
        String roomId = group(owner, register());
        as(owner)
                .body(Map.of("role", "member"))
                .patch(MEMBER, roomId, owner.id())
                .then()
                .statusCode(400);
        as(owner)
                .get(MEMBERS, roomId)
                .then()
                .body("items.find { it.userId == '" + owner.id() + "' }.role", is("owner"));
    }

    @Test
    void whenAnAdminChangesRolesShouldAnswer403() {
        TestUser owner = register();
        TestUser admin = register();
        TestUser member = register();
        String roomId = group(owner, admin, member);
        makeAdmin(owner, roomId, admin);
        as(admin)
                .body(Map.of("role", "admin"))
                .patch(MEMBER, roomId, member.id())
                .then()
                .statusCode(403);
    }

    @Test
    void whenChangingRoleOfANonMemberShouldAnswer404() {
        TestUser owner = register();
        String roomId = group(owner);
        as(owner)
                .body(Map.of("role", "admin"))
                .patch(MEMBER, roomId, register().id())
                .then()
                .statusCode(404);
    }

    @Test
    void shouldLetOwnerRemoveAnyone() {
        TestUser owner = register();
        TestUser admin = register();
        TestUser member = register();
        String roomId = group(owner, admin, member);
        makeAdmin(owner, roomId, admin);
        as(owner).delete(MEMBER, roomId, admin.id()).then().statusCode(204);
        as(owner).delete(MEMBER, roomId, member.id()).then().statusCode(204);
        as(admin).get(ROOM, roomId).then().statusCode(404);
        as(owner).get(ROOM, roomId).then().body("memberCount", is(1));
    }

    @Test
    void shouldLetAdminRemovePlainMembersOnly() {
        TestUser owner = register();
        TestUser admin = register();
        TestUser otherAdmin = register();
        TestUser member = register();
        String roomId = group(owner, admin, otherAdmin, member);
        makeAdmin(owner, roomId, admin);
        makeAdmin(owner, roomId, otherAdmin);
        as(admin).delete(MEMBER, roomId, owner.id()).then().statusCode(403);
        as(admin).delete(MEMBER, roomId, otherAdmin.id()).then().statusCode(403);
        as(admin).delete(MEMBER, roomId, member.id()).then().statusCode(204);
        as(owner)
                .get(MEMBERS, roomId)
                .then()
                .body("items.userId", containsInAnyOrder(owner.id(), admin.id(), otherAdmin.id()));
    }

    @Test
    void whenAPlainMemberRemovesSomeoneShouldAnswer403() {
        TestUser owner = register();
        TestUser member = register();
        TestUser other = register();
        String roomId = group(owner, member, other);
        as(member).delete(MEMBER, roomId, other.id()).then().statusCode(403);
        as(owner).get(ROOM, roomId).then().body("memberCount", is(3));
    }

    @Test
    void whenRemovingANonMemberShouldAnswer404() {
        TestUser owner = register();
        String roomId = group(owner);
        as(owner).delete(MEMBER, roomId, register().id()).then().statusCode(404);
    }

    @Test
    void shouldLetAMemberLeave() {
        TestUser owner = register();
        TestUser member = register();
        String roomId = group(owner, member);
        as(member).delete(MEMBER, roomId, member.id()).then().statusCode(204);
        as(member).get(ROOM, roomId).then().statusCode(404);
        as(owner).get(ROOM, roomId).then().body("memberCount", is(1));
    }

    @Test
    void whenOwnerLeavesShouldHandOwnershipToLongestStandingMember() {
        TestUser owner = register();
        TestUser first = register();
        TestUser second = register();
        String roomId = group(owner, first);
        as(owner)
                .body(Map.of("userId", second.id()))
                .post(MEMBERS, roomId)
                .then()
                .statusCode(201);
        as(owner).delete(MEMBER, roomId, owner.id()).then().statusCode(204);
        as(first)
                .get(MEMBERS, roomId)
                .then()
                .statusCode(200)
                .body("items.userId", contains(first.id(), second.id()))
                .body("items.role", contains("owner", "member"));
        as(first).body(Map.of("name", "mine now")).patch(ROOM, roomId).then().statusCode(200);
    }

    @Test
    void whenLastMemberLeavesShouldDeleteTheRoom() {
        TestUser owner = register();
        String roomId = group(owner);
        as(owner).delete(MEMBER, roomId, owner.id()).then().statusCode(204);
        as(owner).get(ROOM, roomId).then().statusCode(404);
        as(owner).get(ROOMS).then().body("items.id", not(hasItem(roomId)));
    }

    /**
     * Removals in many rooms at once, then the last members leaving them (which deletes each room). Hibernate
     * Reactive's entity delete shares state between sessions (hibernate-reactive#1713): under this load a
     * removal once ran on another request's thread (HR000069, a 500) or left its transaction open until
     * PostgreSQL's idle timeout, with the client waiting.
     */
    @Test
    void whenMembersLeaveManyRoomsAtOnceEveryRemovalCommitsAndAnswers() throws Exception {
        TestUser owner = register();
        List<TestUser> members = IntStream.range(0, 4).mapToObj(i -> register()).toList();
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
                        () -> as(owner).delete(MEMBER, room, member.id()).statusCode()));
            }
            assertEquals(Collections.nCopies(rooms.size(), 204), answers(removals));
            List<Future<Integer>> departures = new ArrayList<>();
            for (String room : rooms) {
                departures.add(callers.submit(
                        () -> as(owner).delete(MEMBER, room, owner.id()).statusCode()));
            }
            assertEquals(Collections.nCopies(rooms.size(), 204), answers(departures));
        } finally {
            callers.shutdownNow();
        }
        for (String room : rooms) {
            as(owner).get(ROOM, room).then().statusCode(404);
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
        TestUser owner = register();
        as(owner).get(ROOM, "nope").then().statusCode(400).body("errors[0].field", equalTo("roomId"));
        as(owner)
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
