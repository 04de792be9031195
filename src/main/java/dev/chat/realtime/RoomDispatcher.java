package dev.chat.realtime;

import dev.chat.fanout.EventType;
import dev.chat.fanout.MembershipCutoff;
import dev.chat.fanout.RoomEnvelope;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The local connections of one room and the order its messages reach them in. Exists while at least one
 * local connection receives the room (as does the room's event-bus consumer). Confined to the hub context
 * of {@link ConnectionRegistry}, like everything it touches.
 *
 * <p>Ordering: seq is gap-free and assigned in commit order, but publication after commit races between
 * event loops. {@code message.created} events are therefore delivered in seq order: one that arrives
 * ahead of {@link #nextSeq} is held until the missing ones arrive, or until the reorder wait ends (then
 * everything held goes out in seq order; the client fills a real gap with {@code GET ?after=}). An update
 * or deletion of a message that is still held waits behind it. Events without seq pass straight through.
 */
final class RoomDispatcher {

    /** Beyond this many held messages the room stops waiting: memory stays bounded whatever happens. */
    private static final int MAX_HELD = 1024;

    static final long UNKNOWN = -1;

    final UUID roomId;
    final Set<LiveConnection> connections = new LinkedHashSet<>();

    private final ConnectionRegistry registry;
    /** The seq of the next {@code message.created} to deliver; {@link #UNKNOWN} until one is known. */
    private long nextSeq;

    private final TreeMap<Long, RoomEnvelope> held = new TreeMap<>();
    /** Updates/deletions of messages not yet delivered, by that message's seq. */
    private final TreeMap<Long, List<RoomEnvelope>> followers = new TreeMap<>();

    private long timer = -1;

    RoomDispatcher(UUID roomId, long nextSeq, ConnectionRegistry registry) {
        this.roomId = roomId;
        this.nextSeq = nextSeq;
        this.registry = registry;
    }

    /** A connection's load read the room's last seq; the first one to know it sets the expectation. */
    void knowLastSeq(long lastSeq) {
        if (nextSeq == UNKNOWN && held.isEmpty()) {
            nextSeq = lastSeq + 1;
        }
    }

    void onEnvelope(RoomEnvelope envelope) {
        if (envelope.seq() == null) {
            deliver(envelope);
        } else if (EventType.MESSAGE_CREATED.equals(envelope.type())) {
            onCreated(envelope.seq(), envelope);
        } else {
            onFollower(envelope.seq(), envelope);
        }
    }

    private void onCreated(long seq, RoomEnvelope envelope) {
        if (nextSeq == UNKNOWN) {
            nextSeq = seq;
        }
        if (seq > nextSeq) {
            held.put(seq, envelope);
            if (held.size() > MAX_HELD) {
                flush();
            } else {
                armTimer();
            }
            return;
        }
        // seq == nextSeq; or smaller: a latecomer after a flush, or a duplicate. Never dropped: the client
        // de-duplicates by seq, and a lost message would stay lost until it reconnects.
        deliverCreated(seq, envelope);
        if (seq == nextSeq) {
            nextSeq++;
            RoomEnvelope next;
            while ((next = held.remove(nextSeq)) != null) {
                deliverCreated(nextSeq, next);
                nextSeq++;
            }
        }
        if (held.isEmpty() && followers.isEmpty()) {
            cancelTimer();
        }
    }

    private void onFollower(long seq, RoomEnvelope envelope) {
        if (nextSeq != UNKNOWN && seq >= nextSeq) {
            followers.computeIfAbsent(seq, s -> new ArrayList<>(1)).add(envelope);
            armTimer();
        } else {
            deliver(envelope);
        }
    }

    private void deliverCreated(long seq, RoomEnvelope envelope) {
        deliver(envelope);
        List<RoomEnvelope> waiting = followers.remove(seq);
        if (waiting != null) {
            waiting.forEach(this::deliver);
        }
    }

    /** The wait is over: everything held goes out in seq order. */
    void flush() {
        cancelTimer();
        TreeSet<Long> seqs = new TreeSet<>(held.keySet());
        seqs.addAll(followers.keySet());
        for (long seq : seqs) {
            RoomEnvelope created = held.remove(seq);
            if (created != null) {
                deliverCreated(seq, created);
                nextSeq = Math.max(nextSeq, seq + 1);
            } else {
                followers.remove(seq).forEach(this::deliver);
            }
        }
    }

    private void armTimer() {
        if (timer == -1) {
            timer = registry.setTimer(() -> {
                timer = -1;
                flush();
            });
        }
    }

    void cancelTimer() {
        if (timer != -1) {
            registry.cancelTimer(timer);
            timer = -1;
        }
    }

    /**
     * Writes the one serialized frame to every local connection of the room but the excluded user's. The
     * subject of a membership event is served through its user address instead (see ConnectionRegistry).
     */
    private void deliver(RoomEnvelope envelope) {
        UUID except = envelope.exceptUserId();
        UUID subject = envelope.subjectUserId();
        int delivered = 0;
        MembershipCutoff cutoff = registry.cutoff();
        for (LiveConnection connection : connections) {
            if (!connection.userId.equals(except)
                    && !connection.userId.equals(subject)
                    && !cutoff.isCut(roomId, connection.userId)
                    && connection.send(envelope.frame())) {
                delivered++;
            }
        }
        registry.delivered(delivered);
    }
}
