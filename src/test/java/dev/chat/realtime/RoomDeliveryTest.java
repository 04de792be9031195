package dev.chat.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.chat.common.Times;
import dev.chat.fanout.ChatEvent;
import dev.chat.fanout.EventType;
import dev.chat.fanout.Fanout;
import dev.chat.fanout.MembershipCutoff;
import dev.chat.message.MessageView;
import dev.chat.realtime.Fixtures.TestUser;
import dev.chat.room.MemberView;
import dev.chat.room.RoomService;
import dev.chat.room.RoomView;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
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
 * the connections API.md names, in seq order.
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
    MembershipCutoff cutoff;

    Fixtures fixtures;

    @BeforeEach
    void setUp() {
        fixtures = new Fixtures(pool);
    }

    @Test
    void whenAMemberIsCutOffByARemovalNoLaterEventReachesThemBeforeMemberRemoved() {
        TestUser alice = Fixtures.register();
        TestUser bob = Fixtures.register();
        UUID room = fixtures.room(alice, bob);
        try (WsClient aliceWs = connect(alice);
                WsClient bobWs = connect(bob)) {
            // The removal's transaction cuts bob off before it commits; a change committed right after it
            // may be published before member.removed is processed.
            cutoff.cut(room, bob.id());
            try {
                fanout.publish(ChatEvent.of(
                        EventType.TYPING, room, null, Times.now(), Map.of("userId", alice.id(), "typing", true)));
                aliceWs.next(EventType.TYPING);
                bobWs.expectNothing();
            } finally {
                cutoff.restore(room, bob.id());
            }
            fanout.publish(ChatEvent.of(EventType.ROOM_UPDATED, room, null, Times.now(), roomView(room, "room", 0)));
            bobWs.next(EventType.ROOM_UPDATED);
        }
    }

    @Test
    void shouldDeliverRoomEventToEveryConnectionOfEveryMemberAndToNoOneElse() {
        TestUser alice = Fixtures.register();
        TestUser bob = Fixtures.register();
        TestUser eve = Fixtures.register();
        UUID room = fixtures.room(alice, bob);
        try (WsClient alice1 = connect(alice);
                WsClient alice2 = connect(alice);
                WsClient bobWs = connect(bob);
                WsClient eveWs = connect(eve)) {
            fanout.publish(ChatEvent.of(EventType.ROOM_UPDATED, room, null, Times.now(), roomView(room, "renamed", 0)));

            JsonObject expected = alice1.next(EventType.ROOM_UPDATED);
            assertEquals(room.toString(), expected.getString("roomId"));
            assertEquals("renamed", expected.getJsonObject("data").getString("name"));
            assertFalse(expected.containsKey("seq"));
            assertEquals(expected, alice2.next());
            assertEquals(expected, bobWs.next());
            eveWs.expectNothing();
        }
    }

    @Test
    void shouldDeliverMessageEventsWithTheirSeqToMembersIncludingTheSender() {
        TestUser alice = Fixtures.register();
        TestUser bob = Fixtures.register();
        UUID room = fixtures.room(alice, bob);
        try (WsClient aliceWs = connect(alice);
                WsClient bobWs = connect(bob)) {
            fanout.publish(ChatEvent.of(EventType.MESSAGE_CREATED, room, 1L, Times.now(), message(room, 1, alice)));
            fanout.publish(ChatEvent.of(EventType.MESSAGE_UPDATED, room, 1L, Times.now(), message(room, 1, alice)));
            fanout.publish(ChatEvent.of(
                    EventType.RECEIPT, room, null, Times.now(), Map.of("userId", bob.id(), "type", "read", "seq", 1)));
            fanout.publish(ChatEvent.of(
                    EventType.MESSAGE_DELETED, room, 1L, Times.now(), Map.of("id", UUID.randomUUID(), "seq", 1)));
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
        TestUser alice = Fixtures.register();
        TestUser bob = Fixtures.register();
        UUID room = fixtures.room(alice, bob);
        try (WsClient aliceWs = connect(alice);
                WsClient bobWs = connect(bob)) {
            fanout.publish(new ChatEvent(
                    EventType.TYPING,
                    room,
                    null,
                    Times.now(),
                    Map.of("userId", alice.id(), "typing", true),
                    alice.id(),
                    null));

            JsonObject typing = bobWs.next(EventType.TYPING);
            assertEquals(alice.id().toString(), typing.getJsonObject("data").getString("userId"));
            aliceWs.expectNothing();
        }
    }

    @Test
    void shouldSubscribeTheAddedMembersOpenConnectionsAtOnce() {
        TestUser alice = Fixtures.register();
        TestUser bob = Fixtures.register();
        UUID room = fixtures.room(alice);
        try (WsClient aliceWs = connect(alice);
                WsClient bob1 = connect(bob);
                WsClient bob2 = connect(bob)) {
            fixtures.join(room, bob);
            fanout.publish(new ChatEvent(
                    EventType.MEMBER_ADDED,
                    room,
                    null,
                    Times.now(),
                    new RoomService.MemberAdded(
                            roomView(room, "room", 0),
                            new MemberView(bob.id(), "bob", "Bob", "member", Times.now(), 0, 0)),
                    null,
                    bob.id()));
            fanout.publish(ChatEvent.of(EventType.MESSAGE_CREATED, room, 1L, Times.now(), message(room, 1, alice)));

            for (WsClient client : List.of(aliceWs, bob1, bob2)) {
                assertEquals(
                        bob.id().toString(),
                        client.next(EventType.MEMBER_ADDED)
                                .getJsonObject("data")
                                .getJsonObject("member")
                                .getString("userId"));
                assertEquals(1L, client.next(EventType.MESSAGE_CREATED).getLong("seq"));
                client.expectNothing(); // exactly once each
            }
        }
    }

    @Test
    void shouldSubscribeTheAddedMemberEvenWhenNoOtherMemberIsConnectedHere() {
        TestUser alice = Fixtures.register();
        TestUser bob = Fixtures.register();
        UUID room = fixtures.room(alice);
        try (WsClient bobWs = connect(bob)) {
            fixtures.join(room, bob);
            fanout.publish(new ChatEvent(
                    EventType.MEMBER_ADDED,
                    room,
                    null,
                    Times.now(),
                    new RoomService.MemberAdded(
                            roomView(room, "room", 0),
                            new MemberView(bob.id(), "bob", "Bob", "member", Times.now(), 0, 0)),
                    null,
                    bob.id()));
            fanout.publish(ChatEvent.of(EventType.MESSAGE_CREATED, room, 1L, Times.now(), message(room, 1, alice)));

            bobWs.next(EventType.MEMBER_ADDED);
            assertEquals(1L, bobWs.next(EventType.MESSAGE_CREATED).getLong("seq"));
        }
    }

    @Test
    void shouldStopDeliveryToTheRemovedMemberAtOnce() {
        TestUser alice = Fixtures.register();
        TestUser bob = Fixtures.register();
        UUID room = fixtures.room(alice, bob);
        try (WsClient aliceWs = connect(alice);
                WsClient bobWs = connect(bob)) {
            fixtures.leave(room, bob);
            fanout.publish(new ChatEvent(
                    EventType.MEMBER_REMOVED,
                    room,
                    null,
                    Times.now(),
                    Map.of("roomId", room, "userId", bob.id()),
                    null,
                    bob.id()));
            fanout.publish(ChatEvent.of(EventType.MESSAGE_CREATED, room, 1L, Times.now(), message(room, 1, alice)));

            assertEquals(
                    bob.id().toString(),
                    aliceWs.next(EventType.MEMBER_REMOVED).getJsonObject("data").getString("userId"));
            assertEquals(1L, aliceWs.next(EventType.MESSAGE_CREATED).getLong("seq"));
            assertEquals(
                    bob.id().toString(),
                    bobWs.next(EventType.MEMBER_REMOVED).getJsonObject("data").getString("userId"));
            bobWs.expectNothing();
        }
    }

    @Test
    void shouldDeliverMessagesOfConcurrentSendersInSeqOrderOnEveryConnection() throws Exception {
        TestUser alice = Fixtures.register();
        TestUser bob = Fixtures.register();
        UUID room = fixtures.room(alice, bob);
        int total = PUBLISHERS * MESSAGES_EACH;
        try (WsClient alice1 = connect(alice);
                WsClient alice2 = connect(alice);
                WsClient bobWs = connect(bob)) {
            // Publisher p owns seqs p+1, p+1+5, ...; each publishes its own in pairs swapped (the later seq
            // first), and all start together: the room receives seqs out of order, from five threads.
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
                        fanout.publish(ChatEvent.of(
                                EventType.MESSAGE_CREATED, room, seq, Times.now(), message(room, seq, alice)));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> publisher : running) {
                publisher.get(10, TimeUnit.SECONDS);
            }
            publishers.shutdown();

            for (WsClient client : List.of(alice1, alice2, bobWs)) {
                for (long seq = 1; seq <= total; seq++) {
                    assertEquals(seq, client.next(EventType.MESSAGE_CREATED).getLong("seq"));
                }
                client.expectNothing();
            }
        }
    }

    private WsClient connect(TestUser user) {
        WsClient client = WsClient.bearer(vertx, ws, user.accessToken());
        client.ready();
        return client;
    }

    private static MessageView message(UUID room, long seq, TestUser sender) {
        return new MessageView(
                UUID.randomUUID(), room, seq, sender.id(), "message " + seq, null, null, Times.now(), null, false);
    }

    /** Payloads shaped as the contract's, so that the frames pass {@code FrameSchemas} like real ones. */
    static RoomView roomView(UUID room, String name, long lastSeq) {
        return new RoomView(room, "group", name, Times.now(), lastSeq, 2);
    }
}
