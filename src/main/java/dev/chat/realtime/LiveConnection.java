package dev.chat.realtime;

import io.quarkus.websockets.next.CloseReason;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One open WebSocket of a user, with its bounded outbound queue (Mattermost {@code web_conn.go}: a bounded
 * send queue, and a connection that lets it fill up is dropped rather than slowing anyone else).
 *
 * <p>Lives on its hub, the event loop its {@code @OnOpen} ran on: everything here is touched on that thread
 * except the queue counters, which write completions decrement on the socket's own loop (normally the same
 * one; atomics, so that nothing depends on it), and {@link #lastHeard} (inbound frames).
 */
final class LiveConnection {

    static final CloseReason SLOW_CONSUMER = new CloseReason(4008, "Outbound queue full: too slow");

    private final String id;
    private final UUID userId;
    private final Outbound outbound;
    private final int maxMessages;
    private final long maxBytes;
    private final Consumer<LiveConnection> onOverflow;
    private final java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong queuedBytes = new java.util.concurrent.atomic.AtomicLong();
    private volatile long lastHeard = System.nanoTime();

    /**
     * The rooms this connection receives, each with the stream position as of which it knows it is a member
     * (a snapshot's, or the {@code member.added} that brought it in). A piece of news about the room that is
     * not newer than this changes nothing.
     */
    private final Map<UUID, Long> rooms = new HashMap<>();

    /**
     * Until {@code ready} is sent the connection is loading its room snapshot: frames wait here (counted in
     * the bound), and removals seen meanwhile are remembered, so that an older snapshot does not undo them.
     */
    private List<Buffer> beforeReady = new ArrayList<>();

    private Map<UUID, Long> leftWhileLoading = new HashMap<>();

    private Set<UUID> crowded = Set.of();

    private boolean closed;

    /** Counted in presence (from {@code ready} on): its close is uncounted too. */
    boolean counted;

    LiveConnection(
            String id,
            UUID userId,
            Outbound outbound,
            int maxMessages,
            long maxBytes,
            Consumer<LiveConnection> onOverflow) {
        this.id = id;
        this.userId = userId;
        this.outbound = outbound;
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.onOverflow = onOverflow;
    }

    String id() {
        return id;
    }

    UUID userId() {
        return userId;
    }

    boolean loading() {
        return beforeReady != null;
    }

    boolean closed() {
        return closed;
    }

    /** The position as of which it is a member of the room, or null when it does not receive the room. */
    Long memberAsOf(UUID roomId) {
        return rooms.get(roomId);
    }

    void joined(UUID roomId, long position) {
        rooms.put(roomId, position);
        if (leftWhileLoading != null) {
            leftWhileLoading.remove(roomId);
        }
    }

    void left(UUID roomId, long position) {
        rooms.remove(roomId);
        if (leftWhileLoading != null) {
            leftWhileLoading.put(roomId, position);
        }
    }

    /** Whether a snapshot taken at {@code position} is older than what this connection already knows. */
    boolean knowsNewerThan(UUID roomId, long position) {
        Long member = rooms.get(roomId);
        if (member != null && member >= position) {
            return true;
        }
        Long left = leftWhileLoading == null ? null : leftWhileLoading.get(roomId);
        return left != null && left >= position;
    }

    List<UUID> roomIds() {
        return List.copyOf(rooms.keySet());
    }

    /** A room of its snapshot too big to announce presence through ({@link Presence#isCrowded}). */
    void crowded(UUID roomId) {
        if (crowded.isEmpty()) {
            crowded = new HashSet<>();
        }
        crowded.add(roomId);
    }

    /**
     * The rooms its user's going offline is announced through: those it receives but the crowded ones of its
     * snapshot (a room joined later counts; it was small enough to be joined one member at a time).
     */
    List<UUID> presenceRoomIds() {
        if (crowded.isEmpty()) {
            return roomIds();
        }
        List<UUID> ids = new ArrayList<>(rooms.size());
        for (UUID roomId : rooms.keySet()) {
            if (!crowded.contains(roomId)) {
                ids.add(roomId);
            }
        }
        return ids;
    }

    /** Stops all further writes; the hub has forgotten or is forgetting this connection. */
    void markClosed() {
        closed = true;
        beforeReady = null;
    }

    void close(CloseReason reason) {
        markClosed();
        outbound.close(reason);
    }

    /** Sends {@code ready} and then everything that arrived while loading, in arrival order. */
    void ready(Buffer readyFrame) {
        List<Buffer> waiting = beforeReady;
        beforeReady = null;
        leftWhileLoading = null;
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
            markClosed();
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
        outbound.write(frame, () -> {
            queued.decrementAndGet();
            queuedBytes.addAndGet(-length);
        });
    }
}
