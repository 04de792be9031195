package dev.chat.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.websockets.next.CloseReason;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A connection's bounded outbound queue and its loading phase, without a server. A write counts against
 * the bound from the moment it is queued until the socket reports it written, which the test controls.
 */
class LiveConnectionTest {

    private final Socket socket = new Socket();
    private final List<LiveConnection> overflowed = new ArrayList<>();

    private LiveConnection connection(int maxMessages, long maxBytes) {
        return new LiveConnection("c1", UUID.randomUUID(), socket, maxMessages, maxBytes, overflowed::add);
    }

    @Test
    void shouldHoldFramesUntilReadyAndThenSendReadyFirst() {
        LiveConnection connection = connection(10, 1000);
        assertTrue(connection.loading());
        assertTrue(connection.send(frame("a")));
        assertTrue(connection.send(frame("b")));
        assertEquals(List.of(), socket.written, "nothing goes out before ready");

        connection.ready(frame("ready"));

        assertFalse(connection.loading());
        assertEquals(List.of("ready", "a", "b"), socket.written);
        assertTrue(connection.send(frame("c")));
        assertEquals(List.of("ready", "a", "b", "c"), socket.written, "after ready a frame is written at once");
    }

    @Test
    void shouldCloseASlowConsumerWhenTheMessageBoundIsReached() {
        LiveConnection connection = connection(3, 1_000_000);
        connection.ready(frame("ready")); // 1 in flight
        assertTrue(connection.send(frame("a")));
        assertTrue(connection.send(frame("b"))); // 3 in flight: the bound

        assertFalse(connection.send(frame("c")), "a fourth unwritten frame overflows");
        assertEquals(List.of(connection), overflowed);
        assertTrue(connection.closed());
        assertFalse(connection.send(frame("d")), "a closed connection takes nothing");
        assertEquals(List.of("ready", "a", "b"), socket.written);
    }

    @Test
    void shouldFreeTheBoundAsWritesComplete() {
        LiveConnection connection = connection(2, 1_000_000);
        connection.ready(frame("ready"));
        assertTrue(connection.send(frame("a")));
        socket.completeAll();

        assertTrue(connection.send(frame("b")));
        assertTrue(connection.send(frame("c")));
        assertEquals(List.of(), overflowed, "two in flight again, within the bound");
    }

    @Test
    void shouldCountBytesAndNotOnlyMessages() {
        LiveConnection connection = connection(100, 10);
        connection.ready(frame("12345")); // 5 bytes in flight
        assertTrue(connection.send(frame("12345"))); // 10: exactly the bound

        assertFalse(connection.send(frame("x")));
        assertEquals(List.of(connection), overflowed);
    }

    @Test
    void shouldCountFramesWaitingForReadyInTheBound() {
        LiveConnection connection = connection(2, 1_000_000);
        assertTrue(connection.send(frame("a")));
        assertTrue(connection.send(frame("b")));

        assertFalse(connection.send(frame("c")), "a loading connection cannot buffer without limit either");
        connection.ready(frame("ready"));
        assertEquals(List.of(), socket.written, "closed before ready: nothing is written");
    }

    @Test
    void shouldNotLetASnapshotOlderThanARemovalReadmit() {
        UUID room = UUID.randomUUID();
        LiveConnection connection = connection(10, 1000);
        connection.joined(room, 4);
        connection.left(room, 7); // seen while the snapshot was being read

        assertTrue(connection.knowsNewerThan(room, 6), "a snapshot at 6 predates the removal at 7");
        assertFalse(connection.knowsNewerThan(room, 8));
        connection.ready(frame("ready"));
        assertFalse(connection.knowsNewerThan(room, 6), "after ready only membership counts");
    }

    private static Buffer frame(String text) {
        return Buffer.buffer(text);
    }

    /** Records writes and holds their completions until the test releases them. */
    static final class Socket implements Outbound {
        final List<String> written = new ArrayList<>();
        private final List<Runnable> pending = new ArrayList<>();

        @Override
        public void write(Buffer frame, Runnable done) {
            written.add(frame.toString());
            pending.add(done);
        }

        @Override
        public void close(CloseReason reason) {}

        void completeAll() {
            List.copyOf(pending).forEach(Runnable::run);
            pending.clear();
        }
    }
}
