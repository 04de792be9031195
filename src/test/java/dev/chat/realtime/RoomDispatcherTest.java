package dev.chat.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chat.fanout.RoomEvent;
import io.quarkus.websockets.next.CloseReason;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The dispatcher's ordering and membership rules, without a server: plain objects, milliseconds. */
class RoomDispatcherTest {

    private final UUID room = UUID.randomUUID();
    private final UUID alice = UUID.randomUUID();
    private final UUID bob = UUID.randomUUID();
    private final FakeHub hub = new FakeHub();

    @Test
    void shouldDeliverInPositionOrderWhateverTheArrivalOrder() {
        RoomDispatcher dispatcher = new RoomDispatcher(room, 0, hub);
        Client a = hub.connect(alice);
        dispatcher.join(a.connection, 0);
        dispatcher.onEvent(change(3));
        dispatcher.onEvent(change(2));
        assertEquals(List.of(), a.frames);
        dispatcher.onEvent(change(1));
        assertEquals(List.of("1", "2", "3"), a.frames);
        assertFalse(hub.timerRunning(), "no gap left");
    }

    @Test
    void shouldIgnoreDuplicatesAndWhatTheStartingStateAlreadyReflects() {
        RoomDispatcher dispatcher = new RoomDispatcher(room, 5, hub);
        Client a = hub.connect(alice);
        dispatcher.join(a.connection, 5);
        dispatcher.onEvent(change(5));
        dispatcher.onEvent(change(6));
        dispatcher.onEvent(change(6));
        assertEquals(List.of("6"), a.frames);
    }

    @Test
    void whenAMemberIsRemovedNothingAfterItReachesThemEvenIfItArrivedFirst() {
        RoomDispatcher dispatcher = new RoomDispatcher(room, 0, hub);
        Client a = hub.connect(alice);
        Client b = hub.connect(bob);
        dispatcher.join(a.connection, 0);
        dispatcher.join(b.connection, 0);
        dispatcher.onEvent(change(2));
        dispatcher.onEvent(RoomEvent.memberRemoved(room, 1, bob, frame("removed")));
        assertEquals(List.of("removed", "2"), a.frames);
        assertEquals(List.of("removed"), b.frames);
        assertEquals(null, b.connection.memberAsOf(room));
    }

    @Test
    void shouldSubscribeAnAddedMemberBeforeItsEventAndDeliverEverythingAfter() {
        RoomDispatcher dispatcher = new RoomDispatcher(room, 0, hub);
        Client a = hub.connect(alice);
        Client b = hub.connect(bob);
        dispatcher.join(a.connection, 0);
        dispatcher.onEvent(change(2));
        dispatcher.onEvent(RoomEvent.memberAdded(room, 1, bob, frame("added")));
        assertEquals(List.of("added", "2"), a.frames);
        assertEquals(List.of("added", "2"), b.frames);
    }

    @Test
    void shouldTellEachInitialMemberOnlyOfItsOwnMembership() {
        RoomDispatcher dispatcher = new RoomDispatcher(room, 0, hub);
        Client a = hub.connect(alice);
        Client b = hub.connect(bob);
        dispatcher.onEvent(RoomEvent.memberJoinedAtCreation(room, 1, alice, frame("alice")));
        dispatcher.onEvent(RoomEvent.memberJoinedAtCreation(room, 2, bob, frame("bob")));
        dispatcher.onEvent(change(3));
        assertEquals(List.of("alice", "3"), a.frames);
        assertEquals(List.of("bob", "3"), b.frames);
    }

    @Test
    void whenASnapshotIsAheadTheConnectionWaitsForThatPosition() {
        RoomDispatcher dispatcher = new RoomDispatcher(room, 0, hub);
        Client a = hub.connect(alice);
        Client b = hub.connect(bob);
        dispatcher.join(a.connection, 0);
        dispatcher.join(b.connection, 2); // its snapshot already reflects 1 and 2
        dispatcher.onEvent(change(1));
        dispatcher.onEvent(change(2));
        dispatcher.onEvent(change(3));
        assertEquals(List.of("1", "2", "3"), a.frames);
        assertEquals(List.of("3"), b.frames);
    }

    @Test
    void whenASnapshotIsBehindTheConnectionCatchesUpFromRecentEvents() {
        RoomDispatcher dispatcher = new RoomDispatcher(room, 0, hub);
        Client a = hub.connect(alice);
        dispatcher.join(a.connection, 0);
        for (long p = 1; p <= 3; p++) {
            RoomEvent event = change(p);
            hub.recent.add(event);
            dispatcher.onEvent(event);
        }
        Client b = hub.connect(bob);
        dispatcher.join(b.connection, 1); // read before 2 and 3 were applied here
        dispatcher.onEvent(change(4));
        assertEquals(List.of("2", "3", "4"), b.frames);
    }

    @Test
    void whenACatchUpWouldCrossTheConnectionsRemovalItEndsThere() {
        RoomDispatcher dispatcher = new RoomDispatcher(room, 0, hub);
        Client a = hub.connect(alice);
        dispatcher.join(a.connection, 0);
        Client b = hub.connect(bob);
        RoomEvent removal = RoomEvent.memberRemoved(room, 1, bob, frame("removed"));
        hub.recent.add(removal);
        dispatcher.onEvent(removal);
        RoomEvent after = change(2);
        hub.recent.add(after);
        dispatcher.onEvent(after);
        dispatcher.join(b.connection, 0); // bob's snapshot predates his removal
        assertEquals(List.of("removed"), b.frames);
        assertFalse(dispatcher.subscribers().contains(b.connection));
    }

    @Test
    void whenTheCatchUpIsNoLongerInRecentEventsTheConnectionIsReloaded() {
        RoomDispatcher dispatcher = new RoomDispatcher(room, 0, hub);
        dispatcher.onEvent(change(1));
        Client b = hub.connect(bob);
        dispatcher.join(b.connection, 0);
        assertEquals(List.of(b.connection), hub.reloaded);
    }

    @Test
    void aRemovalSeenWhileLoadingBeatsAnOlderSnapshot() {
        RoomDispatcher dispatcher = new RoomDispatcher(room, 0, hub);
        Client a = hub.connect(alice);
        dispatcher.join(a.connection, 0);
        Client b = hub.connectLoading(bob); // its snapshot is in flight
        dispatcher.onEvent(RoomEvent.memberRemoved(room, 1, bob, frame("removed")));
        dispatcher.join(b.connection, 0);
        dispatcher.onEvent(change(2));
        assertFalse(dispatcher.subscribers().contains(b.connection));
        b.connection.ready(Buffer.buffer("ready"));
        assertEquals(List.of("ready"), b.frames);
    }

    @Test
    void whenAGapOutlastsTheWaitTheRoomIsReReadAndHeldEventsGoToItsMembers() {
        RoomDispatcher dispatcher = new RoomDispatcher(room, 0, hub);
        Client a = hub.connect(alice);
        Client b = hub.connect(bob);
        dispatcher.join(a.connection, 0);
        dispatcher.join(b.connection, 0);
        dispatcher.onEvent(change(2)); // 1 (bob's removal, say) was lost
        assertTrue(hub.timerRunning());
        hub.fireTimer();
        assertEquals(List.of(dispatcher), hub.resyncs);
        dispatcher.rebase(2, Set.of(alice));
        assertEquals(List.of("2"), a.frames);
        assertEquals(List.of("member.removed"), b.frames);
        dispatcher.onEvent(change(3));
        assertEquals(List.of("2", "3"), a.frames);
        assertEquals(List.of("member.removed"), b.frames);
    }

    @Test
    void aSignalWaitsForThePositionItWasCheckedAt() {
        RoomDispatcher dispatcher = new RoomDispatcher(room, 0, hub);
        Client a = hub.connect(alice);
        Client b = hub.connect(bob);
        dispatcher.join(a.connection, 0);
        dispatcher.onEvent(RoomEvent.signal(room, 1, bob, frame("typing")));
        assertEquals(List.of(), a.frames);
        dispatcher.onEvent(RoomEvent.memberAdded(room, 1, bob, frame("added")));
        assertEquals(List.of("added", "typing"), a.frames);
        assertEquals(List.of("added"), b.frames, "not to the typist");
    }

    @Test
    void aSlowConsumerIsClosedAndTheOthersKeepReceiving() {
        RoomDispatcher dispatcher = new RoomDispatcher(room, 0, hub);
        Client a = hub.connect(alice);
        Client slow = hub.connect(bob, 3); // ready + two frames, never drained
        dispatcher.join(a.connection, 0);
        dispatcher.join(slow.connection, 0);
        for (long p = 1; p <= 4; p++) {
            dispatcher.onEvent(change(p));
        }
        assertEquals(List.of("1", "2", "3", "4"), a.frames);
        assertEquals(List.of("1", "2"), slow.frames);
        assertEquals(4008, slow.closedWith);
    }

    private RoomEvent change(long position) {
        return RoomEvent.change(room, position, frame(Long.toString(position)));
    }

    private static Buffer frame(String text) {
        return Buffer.buffer(text);
    }

    /** A connection whose socket is a list; writes complete at once unless it is "stalled". */
    static final class Client implements Outbound {
        final List<String> frames = new ArrayList<>();
        final boolean stalled;
        LiveConnection connection;
        int closedWith = -1;

        Client(boolean stalled) {
            this.stalled = stalled;
        }

        @Override
        public void write(Buffer frame, Runnable written) {
            frames.add(frame.toString());
            if (!stalled) {
                written.run();
            }
        }

        @Override
        public void close(CloseReason reason) {
            closedWith = reason.getCode();
        }
    }

    static final class FakeHub implements RoomDispatcher.Host {
        final RecentEvents recent = new RecentEvents(100, 1 << 20);
        final Map<UUID, List<LiveConnection>> byUser = new HashMap<>();
        final List<RoomDispatcher> resyncs = new ArrayList<>();
        final List<LiveConnection> reloaded = new ArrayList<>();
        private Runnable timer;

        Client connect(UUID userId) {
            return connect(userId, 1000);
        }

        Client connectLoading(UUID userId) {
            Client client = new Client(false);
            client.connection =
                    new LiveConnection(UUID.randomUUID().toString(), userId, client, 1000, 1 << 20, c -> {});
            byUser.computeIfAbsent(userId, id -> new ArrayList<>()).add(client.connection);
            return client;
        }

        /** A client whose queue holds {@code max} frames and never drains. */
        Client connect(UUID userId, int max) {
            Client client = new Client(max < 1000);
            client.connection = new LiveConnection(
                    UUID.randomUUID().toString(),
                    userId,
                    client,
                    max,
                    1 << 20,
                    c -> c.close(LiveConnection.SLOW_CONSUMER));
            client.connection.ready(Buffer.buffer("ready"));
            client.frames.clear();
            byUser.computeIfAbsent(userId, id -> new ArrayList<>()).add(client.connection);
            return client;
        }

        boolean timerRunning() {
            return timer != null;
        }

        void fireTimer() {
            Runnable task = timer;
            timer = null;
            task.run();
        }

        @Override
        public List<LiveConnection> connectionsOf(UUID userId) {
            return byUser.getOrDefault(userId, List.of());
        }

        @Override
        public RecentEvents recent() {
            return recent;
        }

        @Override
        public long startTimer(Runnable task) {
            timer = task;
            return 1;
        }

        @Override
        public void cancelTimer(long id) {
            timer = null;
        }

        @Override
        public void resync(RoomDispatcher room) {
            resyncs.add(room);
        }

        @Override
        public void reload(LiveConnection connection, UUID roomId) {
            reloaded.add(connection);
        }

        @Override
        public Buffer removedFrame(UUID roomId, UUID userId) {
            return Buffer.buffer("member.removed");
        }

        @Override
        public void delivered(int frames) {}
    }
}
