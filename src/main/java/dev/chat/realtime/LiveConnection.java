package dev.chat.realtime;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * One open WebSocket of a user, with its bounded outbound queue (Mattermost {@code web_conn.go}: a bounded
 * send queue, and a connection that lets it fill up is dropped rather than slowing anyone else).
 *
 * <p>Threads: everything here except {@link #queued}, {@link #queuedBytes} and {@link #lastHeard} is touched
 * only on the {@link ConnectionRegistry}'s hub context. The two counters are also decremented by write
 * completions, which run on the socket's own event loop, hence atomics; {@code lastHeard} is written by
 * inbound frames on that event loop, hence volatile.
 */
@RegisterForReflection(classNames = "io.quarkus.websockets.next.runtime.WebSocketConnectionImpl", fields = true)
final class LiveConnection {

    private static final Logger LOG = Logger.getLogger(LiveConnection.class);
    private static final Field SOCKET = socketField();

    final WebSocketConnection connection;
    final UUID userId;
    /** Rooms whose events this connection receives. */
    final Set<UUID> rooms = new HashSet<>();

    private final ServerWebSocket socket;
    private final int maxMessages;
    private final long maxBytes;
    private final Consumer<LiveConnection> onOverflow;
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong queuedBytes = new AtomicLong();
    private volatile long lastHeard = System.nanoTime();

    /**
     * Until {@code ready} is sent the connection is still loading its rooms: frames wait here (counted in
     * the bound), and membership changes seen meanwhile override what the load read.
     */
    private List<Buffer> beforeReady = new ArrayList<>();

    private Map<UUID, Boolean> changedWhileLoading = new HashMap<>();
    /** Counted in {@link dev.chat.realtime.Presence}. */
    boolean counted;

    private boolean closed;

    LiveConnection(
            WebSocketConnection connection,
            UUID userId,
            int maxMessages,
            long maxBytes,
            Consumer<LiveConnection> onOverflow) {
        this.connection = connection;
        this.userId = userId;
        this.socket = socketOf(connection);
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.onOverflow = onOverflow;
    }

    String id() {
        return connection.id();
    }

    boolean loading() {
        return beforeReady != null;
    }

    boolean closed() {
        return closed;
    }

    /** Stops all further writes; the registry has forgotten or is forgetting this connection. */
    void markClosed() {
        closed = true;
        beforeReady = null;
    }

    void membershipChangedWhileLoading(UUID roomId, boolean member) {
        if (changedWhileLoading != null) {
            changedWhileLoading.put(roomId, member);
        }
    }

    /** Whether the load's view of a room is stale: it was removed from the user after the load began. */
    boolean removedWhileLoading(UUID roomId) {
        return changedWhileLoading != null && Boolean.FALSE.equals(changedWhileLoading.get(roomId));
    }

    /** Sends {@code ready} and then everything that arrived while loading, in arrival order. */
    void ready(Buffer readyFrame) {
        List<Buffer> waiting = beforeReady;
        beforeReady = null;
        changedWhileLoading = null;
        if (closed || !admit(readyFrame)) {
            return;
        }
        write(readyFrame);
        for (Buffer frame : waiting) {
            write(frame); // already admitted
        }
    }

    void heard() {
        lastHeard = System.nanoTime();
    }

    long silentNanos(long now) {
        return now - lastHeard;
    }

    /**
     * Queues one frame; the same Buffer is written to every recipient, never copied. Returns false when the
     * connection is closed or just overflowed.
     */
    boolean send(Buffer frame) {
        if (closed || !admit(frame)) {
            return false;
        }
        if (beforeReady != null) {
            beforeReady.add(frame);
        } else {
            write(frame);
        }
        return true;
    }

    /** Counts a frame into the bound, or declares the connection a slow consumer. */
    private boolean admit(Buffer frame) {
        int length = frame.length();
        if (queued.get() >= maxMessages || queuedBytes.get() + length > maxBytes) {
            closed = true;
            beforeReady = null;
            onOverflow.accept(this);
            return false;
        }
        queued.incrementAndGet();
        queuedBytes.addAndGet(length);
        return true;
    }

    /** A write is queued until the socket has handed it to the kernel, whose buffers a stalled reader fills. */
    private void write(Buffer frame) {
        int length = frame.length();
        if (socket != null) {
            // One text frame over a slice of the shared bytes: no copy, no re-encoding per recipient.
            Future<Void> written =
                    socket.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, frame.getByteBuf(), true));
            written.onComplete(result -> dequeued(length));
        } else {
            connection
                    .sendText(frame.toString(StandardCharsets.UTF_8))
                    .subscribe()
                    .with(ok -> dequeued(length), failure -> dequeued(length));
        }
    }

    private void dequeued(int length) {
        queued.decrementAndGet();
        queuedBytes.addAndGet(-length);
    }

    /**
     * WebSockets Next sends only Strings, which Vert.x re-encodes per write. To write one pre-serialized
     * Buffer to every recipient we reach the Vert.x socket underneath; if a future Quarkus renames the
     * field, we fall back to {@code sendText} (correct, only slower).
     */
    private static ServerWebSocket socketOf(WebSocketConnection connection) {
        if (SOCKET != null && SOCKET.getDeclaringClass().isInstance(connection)) {
            try {
                return (ServerWebSocket) SOCKET.get(connection);
            } catch (IllegalAccessException | RuntimeException e) {
                LOG.debugf(e, "No direct socket access");
            }
        }
        return null;
    }

    private static Field socketField() {
        try {
            Field field = Class.forName("io.quarkus.websockets.next.runtime.WebSocketConnectionImpl")
                    .getDeclaredField("webSocket");
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("WebSockets Next internals changed: frames are re-encoded per recipient", e);
            return null;
        }
    }
}
