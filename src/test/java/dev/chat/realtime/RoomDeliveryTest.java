package dev.chat.realtime;

import static dev.chat.support.RoomApi.group;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.chat.common.Times;
import dev.chat.fanout.EventFrame;
import dev.chat.fanout.EventType;
import dev.chat.fanout.Fanout;
import dev.chat.fanout.RoomEvent;
import dev.chat.message.MessageView;
import dev.chat.room.MemberView;
import dev.chat.room.Role;
import dev.chat.room.RoomService;
import dev.chat.room.RoomType;
import dev.chat.room.RoomView;
import dev.chat.support.Api;
import dev.chat.support.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Room events, published through the same {@link Fanout} the REST services call after commit, reach exactly
 * the connections API.md names, in stream order, whatever order they are published in.
 */
@QuarkusTest
class RoomDeliveryTest {

    private static final int PUBLISHERS = 5;
    private static final int MESSAGES_EACH = 50;

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    Vertx vertx;

    @Inject
    Pool pool;

    @Inject
    Fanout fanout;

    @Inject
    EventFrame frames;

    Fixtures fixtures;

    @BeforeEach
    void setUp() {
        fixtures = new Fixtures(pool);
    }

    @Test
    void whenALaterEventIsPublishedBeforeARemovalItNeverReachesTheRemovedMember() {
        TestUser alice = Api.newUser();
        TestUser bob = Api.newUser();
        UUID room = UUID.fromString(group(alice, bob));
        UUID bobsOther = UUID.fromString(group(bob));
        try (WsClient aliceWs = connect(alice);
                WsClient bobWs = connect(bob)) {
            long removal = fixtures.leave(room, bob);
            long later = fixtures.nextPosition(room);
            // The change committed after the removal is published first (another thread won the race).
            fanout.publish(RoomEvent.change(room, later, roomUpdated(room, "after")));
            fanout.publish(RoomEvent.memberRemoved(room, removal, bob.uuid(), removed(room, bob)));

            assertEquals(
                    bob.id(),
                    aliceWs.next(EventType.MEMBER_REMOVED).getJsonObject("data").getString("userId"));
            assertEquals(
                    "after",
                    aliceWs.next(EventType.ROOM_UPDATED).getJsonObject("data").getString("name"));
            bobWs.next(EventType.MEMBER_REMOVED);
            fence(bobsOther, bobWs);
        }
    }

    @Test
    void shouldDeliverRoomEventToEveryConnectionOfEveryMemberAndToNoOneElse() {
        TestUser alice = Api.newUser();
        TestUser bob = Api.newUser();
        TestUser eve = Api.newUser();
        UUID room = UUID.fromString(group(alice, bob));
        UUID evesOwn = UUID.fromString(group(eve));
        try (WsClient alice1 = connect(alice);
                WsClient alice2 = connect(alice);
                WsClient bobWs = connect(bob);
                WsClient eveWs = connect(eve)) {
            fanout.publish(RoomEvent.change(room, fixtures.nextPosition(room), roomUpdated(room, "renamed")));

            JsonObject expected = alice1.next(EventType.ROOM_UPDATED);
            assertEquals(room.toString(), expected.getString("roomId"));
            assertEquals("renamed", expected.getJsonObject("data").getString("name"));
            assertFalse(expected.containsKey("seq"));
            assertEquals(expected, alice2.next());
            assertEquals(expected, bobWs.next());
            fence(evesOwn, eveWs);
        }
    }

    @Test
    void shouldDeliverMessageEventsWithTheirSeqToMembersIncludingTheSender() {
        TestUser alice = Api.newUser();
        TestUser bob = Api.newUser();
        UUID room = UUID.fromString(group(alice, bob));
        try (WsClient aliceWs = connect(alice);
                WsClient bobWs = connect(bob)) {
            fanout.publish(RoomEvent.change(room, fixtures.nextPosition(room), created(room, 1, alice)));
            fanout.publish(RoomEvent.change(
                    room,
                    fixtures.nextPosition(room),
                    frames.message(EventType.MESSAGE_UPDATED, room, 1L, Times.now(), message(room, 1, alice))));
            fanout.publish(RoomEvent.signal(
                    room,
                    2,
                    null,
                    frames.room(
                            EventType.RECEIPT,
                            room,
                            Times.now(),
                            Map.of("userId", bob.uuid(), "type", "read", "seq", 1))));
            fanout.publish(RoomEvent.change(
                    room,
                    fixtures.nextPosition(room),
                    frames.message(
                            EventType.MESSAGE_DELETED,
                            room,
                            1L,
                            Times.now(),
                            Map.of("id", UUID.randomUUID(), "seq", 1))));
            for (WsClient client : List.of(aliceWs, bobWs)) {
                assertEquals(1L, client.next(EventType.MESSAGE_CREATED).getLong("seq"));
                assertEquals(1L, client.next(EventType.MESSAGE_UPDATED).getLong("seq"));
                assertEquals(
                        "read",
                        client.next(EventType.RECEIPT).getJsonObject("data").getString("type"));
                assertEquals(1L, client.next(EventType.MESSAGE_DELETED).getLong("seq"));
            }
        }
    }

    @Test
    void shouldNotSendTypingToTheTypist() {
        TestUser alice = Api.newUser();
        TestUser bob = Api.newUser();
        UUID room = UUID.fromString(group(alice, bob));
        try (WsClient aliceWs = connect(alice);
                WsClient bobWs = connect(bob)) {
            fanout.publish(RoomEvent.signal(
                    room,
                    0,
                    alice.uuid(),
                    frames.room(EventType.TYPING, room, Times.now(), Map.of("userId", alice.uuid(), "typing", true))));

            JsonObject typing = bobWs.next(EventType.TYPING);
            assertEquals(alice.id(), typing.getJsonObject("data").getString("userId"));
            fence(room, aliceWs);
        }
    }

    @Test
    void whenATypingSignalWasCheckedAfterAnAddItWaitsForTheAdd() {
        TestUser alice = Api.newUser();
        TestUser bob = Api.newUser();
        UUID room = UUID.fromString(group(alice));
        try (WsClient aliceWs = connect(alice);
                WsClient bobWs = connect(bob)) {
            long add = fixtures.join(room, bob);
            // bob types right after being added; the signal overtakes the add on its way.
            fanout.publish(RoomEvent.signal(
                    room,
                    add,
                    bob.uuid(),
                    frames.room(EventType.TYPING, room, Times.now(), Map.of("userId", bob.uuid(), "typing", true))));
            fanout.publish(RoomEvent.memberAdded(room, add, bob.uuid(), added(room, bob)));

            aliceWs.next(EventType.MEMBER_ADDED);
            aliceWs.next(EventType.TYPING);
            bobWs.next(EventType.MEMBER_ADDED);
        }
    }

    @Test
    void shouldSubscribeTheAddedMembersOpenConnectionsAtOnce() {
        TestUser alice = Api.newUser();
        TestUser bob = Api.newUser();
        UUID room = UUID.fromString(group(alice));
        try (WsClient aliceWs = connect(alice);
                WsClient bob1 = connect(bob);
                WsClient bob2 = connect(bob)) {
            long add = fixtures.join(room, bob);
            long message = fixtures.nextPosition(room);
            // Published in the wrong order: the message must still reach bob, after the add.
            fanout.publish(RoomEvent.change(room, message, created(room, 1, alice)));
            fanout.publish(RoomEvent.memberAdded(room, add, bob.uuid(), added(room, bob)));
            publishFence(room);

            for (WsClient client : List.of(aliceWs, bob1, bob2)) {
                assertEquals(
                        bob.id(),
                        client.next(EventType.MEMBER_ADDED)
                                .getJsonObject("data")
                                .getJsonObject("member")
                                .getString("userId"));
                assertEquals(1L, client.next(EventType.MESSAGE_CREATED).getLong("seq"));
                assertFence(room, client); // exactly once each
            }
        }
    }

    @Test
    void shouldSubscribeTheAddedMemberEvenWhenNoOtherMemberIsConnectedHere() {
        TestUser alice = Api.newUser();
        TestUser bob = Api.newUser();
        UUID room = UUID.fromString(group(alice));
        try (WsClient bobWs = connect(bob)) {
            long add = fixtures.join(room, bob);
            long message = fixtures.nextPosition(room);
            fanout.publish(RoomEvent.change(room, message, created(room, 1, alice)));
            fanout.publish(RoomEvent.memberAdded(room, add, bob.uuid(), added(room, bob)));

            bobWs.next(EventType.MEMBER_ADDED);
            assertEquals(1L, bobWs.next(EventType.MESSAGE_CREATED).getLong("seq"));
        }
    }

    @Test
    void shouldStopDeliveryToTheRemovedMemberAtOnce() {
        TestUser alice = Api.newUser();
        TestUser bob = Api.newUser();
        UUID room = UUID.fromString(group(alice, bob));
        UUID bobsOther = UUID.fromString(group(bob));
        try (WsClient aliceWs = connect(alice);
                WsClient bobWs = connect(bob)) {
            fanout.publish(RoomEvent.memberRemoved(room, fixtures.leave(room, bob), bob.uuid(), removed(room, bob)));
            fanout.publish(RoomEvent.change(room, fixtures.nextPosition(room), created(room, 1, alice)));

            assertEquals(
                    bob.id(),
                    aliceWs.next(EventType.MEMBER_REMOVED).getJsonObject("data").getString("userId"));
            assertEquals(1L, aliceWs.next(EventType.MESSAGE_CREATED).getLong("seq"));
            assertEquals(
                    bob.id(),
                    bobWs.next(EventType.MEMBER_REMOVED).getJsonObject("data").getString("userId"));
            fence(bobsOther, bobWs);
        }
    }

    @Test
    void whenAnEventIsLostTheRoomIsReReadAndDeliveryGoesOn() {
        TestUser alice = Api.newUser();
        TestUser bob = Api.newUser();
        UUID room = UUID.fromString(group(alice, bob));
        UUID bobsOther = UUID.fromString(group(bob));
        try (WsClient aliceWs = connect(alice);
                WsClient bobWs = connect(bob)) {
            long lostRemoval = fixtures.leave(room, bob); // its event never comes (Redis was down, say)
            long message = fixtures.nextPosition(room);
            fanout.publish(RoomEvent.change(room, message, created(room, 1, alice)));

            // After the reorder wait the hub re-reads the room: bob is no member any more, alice is.
            assertEquals(1L, aliceWs.next(EventType.MESSAGE_CREATED).getLong("seq"));
            assertEquals(
                    bob.id(),
                    bobWs.next(EventType.MEMBER_REMOVED).getJsonObject("data").getString("userId"));
            // The re-read removed bob and released the message in one step: a fence after it proves he
            // did not get the message.
            fence(bobsOther, bobWs);
            assertEquals(lostRemoval + 1, message);
        }
    }

    @Test
    void shouldDeliverMessagesOfConcurrentSendersInStreamOrderOnEveryConnection() throws Exception {
        TestUser alice = Api.newUser();
        TestUser bob = Api.newUser();
        UUID room = UUID.fromString(group(alice, bob));
        long base = fixtures.position(room); // the creation's member.added events took the first positions
        int total = PUBLISHERS * MESSAGES_EACH;
        try (WsClient alice1 = connect(alice);
                WsClient alice2 = connect(alice);
                WsClient bobWs = connect(bob)) {
            // Publisher p owns seqs p+1, p+1+5, ... (at positions base+seq); each publishes its own in pairs swapped
            // (the later
            // first), and all start together: the room receives them out of order, from five threads.
            ExecutorService publishers = Executors.newFixedThreadPool(PUBLISHERS);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> running = new ArrayList<>();
            for (int p = 0; p < PUBLISHERS; p++) {
                List<Long> seqs = new ArrayList<>();
                for (long seq = p + 1; seq <= total; seq += PUBLISHERS) {
                    seqs.add(seq);
                }
                for (int i = 0; i + 1 < seqs.size(); i += 2) {
                    seqs.set(i, seqs.set(i + 1, seqs.get(i)));
                }
                running.add(publishers.submit(() -> {
                    start.await();
                    for (long seq : seqs) {
                        fanout.publish(RoomEvent.change(room, base + seq, created(room, seq, alice)));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> publisher : running) {
                publisher.get(10, TimeUnit.SECONDS);
            }
            publishers.shutdown();
            // The fence: the next position, published after all of them, must come right after seq total.
            fanout.publish(RoomEvent.change(room, base + total + 1, created(room, total + 1, alice)));

            for (WsClient client : List.of(alice1, alice2, bobWs)) {
                for (long seq = 1; seq <= total; seq++) {
                    assertEquals(seq, client.next(EventType.MESSAGE_CREATED).getLong("seq"));
                }
                assertEquals(
                        total + 1, client.fence(room, EventType.MESSAGE_CREATED).getLong("seq"), "exactly once each");
            }
        }
    }

    private WsClient connect(TestUser user) {
        return WsClient.ready(vertx, ws, user.accessToken());
    }

    /**
     * "Nothing else arrives" on each client, proven by a fence ({@link WsClient#fence}): a rename of
     * {@code room}, a room of every client's user, published after the events checked.
     */
    private void fence(UUID room, WsClient... clients) {
        publishFence(room);
        for (WsClient client : clients) {
            assertFence(room, client);
        }
    }

    private void publishFence(UUID room) {
        fanout.publish(RoomEvent.change(room, fixtures.nextPosition(room), roomUpdated(room, "fence")));
    }

    private static void assertFence(UUID room, WsClient client) {
        assertEquals(
                "fence",
                client.fence(room, EventType.ROOM_UPDATED).getJsonObject("data").getString("name"));
    }

    private Buffer created(UUID room, long seq, TestUser sender) {
        return frames.message(EventType.MESSAGE_CREATED, room, seq, Times.now(), message(room, seq, sender));
    }

    private Buffer roomUpdated(UUID room, String name) {
        return frames.room(EventType.ROOM_UPDATED, room, Times.now(), roomView(room, name, 0));
    }

    private Buffer added(UUID room, TestUser member) {
        return frames.room(
                EventType.MEMBER_ADDED,
                room,
                Times.now(),
                new RoomService.MemberAdded(
                        roomView(room, "room", 0),
                        new MemberView(member.uuid(), "member", "Member", Role.MEMBER, Times.now(), 0, 0)));
    }

    private Buffer removed(UUID room, TestUser member) {
        return frames.room(
                EventType.MEMBER_REMOVED, room, Times.now(), Map.of("roomId", room, "userId", member.uuid()));
    }

    private static MessageView message(UUID room, long seq, TestUser sender) {
        return new MessageView(
                UUID.randomUUID(), room, seq, sender.uuid(), "message " + seq, null, null, Times.now(), null, false);
    }

    /** Payloads shaped as the contract's, so that the frames pass {@code FrameSchemas} like real ones. */
    static RoomView roomView(UUID room, String name, long lastSeq) {
        return new RoomView(room, RoomType.GROUP, name, Times.now(), lastSeq, 2);
    }
}
