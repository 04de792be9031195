package dev.chat.realtime;

import dev.chat.fanout.RoomEvent;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One room on one hub: the hub's connections that receive it, and the order they receive it in.
 *
 * <p>The room's ordered events carry gap-free stream positions in commit order (see {@link RoomEvent}).
 * The dispatcher applies them strictly in that order, each one completely before the next: a
 * {@code member.added} subscribes the subject's connections before its frame goes out; a
 * {@code member.removed} goes out to everyone, the subject included, and then the subject's connections
 * leave. So on every hub of every instance, nothing committed after a removal reaches the removed member,
 * and an added member gets everything committed after the add, whatever order the events arrived in.
 *
 * <p>An event ahead of the next position waits (publications race between threads and instances). A gap
 * that outlasts {@code chat.ws.reorder-wait} means an event was really lost (Redis was down, a publisher
 * died between commit and publish): the hub re-reads the room's members and position from PostgreSQL and
 * the dispatcher {@linkplain #rebase rebases} on them, so no timer ever decides who may receive what.
 *
 * <p>A connection joins with the position its room snapshot was read at: equal to ours, it joins now;
 * ahead, it waits until we get there; behind, it catches up from the hub's {@link RecentEvents}.
 */
final class RoomDispatcher {

    /** What the dispatcher needs from its hub. All calls happen on the hub's event loop. */
    interface Host {
        /** The hub's open connections of the user. */
        List<LiveConnection> connectionsOf(UUID userId);

        RecentEvents recent();

        /** Runs {@code task} after the reorder wait; returns a timer id. */
        long startTimer(Runnable task);

        void cancelTimer(long id);

        /** Re-read the room from the database and call {@link #rebase} (or drop the dispatcher). */
        void resync(RoomDispatcher room);

        /** The connection's snapshot of the room is too old to catch up from: read it again. */
        void reload(LiveConnection connection, UUID roomId);

        /** The frame a member gets when a rebase finds them removed ({@code member.removed}). */
        Buffer removedFrame(UUID roomId, UUID userId);

        void delivered(int frames);
    }

    /** Beyond this many early events the room stops waiting and re-reads the database. */
    static final int MAX_EARLY = 1024;

    /** Signals waiting for a position; typing is worth little once old, so the oldest go first. */
    static final int MAX_SIGNALS = 256;

    final UUID roomId;
    private final Host hub;
    private long applied;
    private final TreeMap<Long, RoomEvent> early = new TreeMap<>();
    private final TreeMap<Long, List<RoomEvent>> signals = new TreeMap<>();
    private int signalCount;
    private final Set<LiveConnection> subscribers = new LinkedHashSet<>();
    private final TreeMap<Long, List<LiveConnection>> joiners = new TreeMap<>();
    private long timer = -1;
    private boolean resyncing;

    /** @param applied the position up to which the room's state is known (a snapshot's, or before an add) */
    RoomDispatcher(UUID roomId, long applied, Host hub) {
        this.roomId = roomId;
        this.applied = applied;
        this.hub = hub;
        for (RoomEvent seen : hub.recent().after(roomId, applied)) {
            onEvent(seen);
        }
    }

    long applied() {
        return applied;
    }

    boolean isIdle() {
        return subscribers.isEmpty() && joiners.isEmpty();
    }

    Set<LiveConnection> subscribers() {
        return subscribers;
    }

    void onEvent(RoomEvent event) {
        if (!event.kind().isOrdered()) {
            onSignal(event);
            return;
        }
        long position = event.position();
        if (position <= applied) {
            return; // applied already, or part of the state we started from
        }
        if (position > applied + 1) {
            early.put(position, event);
            if (early.size() > MAX_EARLY) {
                startResync();
            } else {
                armTimer();
            }
            return;
        }
        apply(event);
        drain();
    }

    /** A connection whose room snapshot was read at {@code position} (it was a member then). */
    void join(LiveConnection connection, long position) {
        if (subscribers.contains(connection) || connection.knowsNewerThan(roomId, position)) {
            return;
        }
        if (position == applied) {
            subscribe(connection, position);
        } else if (position > applied) {
            connection.joined(roomId, position);
            joiners.computeIfAbsent(position, p -> new ArrayList<>(1)).add(connection);
            armTimer();
        } else {
            catchUp(connection, position);
        }
    }

    /** The connection closed. */
    void forget(LiveConnection connection) {
        subscribers.remove(connection);
        joiners.values().forEach(waiting -> waiting.remove(connection));
        joiners.values().removeIf(List::isEmpty);
    }

    /**
     * The database's word, read after a gap: the room was at {@code position} with these members (null: the
     * room is gone). Members are set as they are there; the early events up to that position go out to
     * them in order; everything after continues as usual.
     */
    void rebase(long position, Set<UUID> members) {
        resyncing = false;
        if (members == null) {
            for (LiveConnection connection : List.copyOf(subscribers)) {
                removeWithNotice(connection, position);
            }
            joiners.clear();
            early.clear();
            signals.clear();
            signalCount = 0;
            cancelTimer();
            return;
        }
        if (position < applied) {
            // The read raced with the missing events, which have arrived since: nothing to correct.
            if (waiting()) {
                armTimer();
            }
            return;
        }
        for (LiveConnection connection : List.copyOf(subscribers)) {
            if (!members.contains(connection.userId())) {
                removeWithNotice(connection, position);
            }
        }
        for (UUID userId : members) {
            for (LiveConnection connection : hub.connectionsOf(userId)) {
                if (!subscribers.contains(connection) && !connection.knowsNewerThan(roomId, position)) {
                    subscribe(connection, position);
                }
            }
        }
        while (!early.isEmpty() && early.firstKey() <= position) {
            deliver(early.pollFirstEntry().getValue());
        }
        applied = position;
        admitJoiners();
        releaseSignals();
        drain();
    }

    /** The carrier was lost for a while: whatever happened meanwhile, re-read the room now. */
    void resyncNow() {
        startResync();
    }

    /** The re-read failed (database down): try again after the next wait. */
    void resyncFailed() {
        resyncing = false;
        if (waiting()) {
            armTimer();
        }
    }

    private void apply(RoomEvent event) {
        long position = event.position();
        if (event.kind().joins()) {
            for (LiveConnection connection : hub.connectionsOf(event.subjectId())) {
                if (!connection.knowsNewerThan(roomId, position)) {
                    subscribe(connection, position);
                }
            }
        }
        deliver(event);
        if (event.kind() == RoomEvent.Kind.MEMBER_REMOVED) {
            for (LiveConnection connection : hub.connectionsOf(event.subjectId())) {
                if (!connection.knowsNewerThan(roomId, position)) {
                    subscribers.remove(connection);
                    connection.left(roomId, position);
                }
            }
        }
        applied = position;
        admitJoiners();
        releaseSignals();
    }

    private void drain() {
        RoomEvent next;
        while ((next = early.remove(applied + 1)) != null) {
            apply(next);
        }
        if (!waiting()) {
            cancelTimer();
        }
    }

    /** Replays what the connection's snapshot missed, as if it had been subscribed all along. */
    private void catchUp(LiveConnection connection, long position) {
        List<RoomEvent> missed = hub.recent().between(roomId, position, applied);
        if (missed == null) {
            hub.reload(connection, roomId);
            return;
        }
        boolean member = true;
        int sent = 0;
        for (RoomEvent event : missed) {
            boolean subject = connection.userId().equals(event.subjectId());
            if (event.kind().joins() && subject) {
                member = true;
            }
            if (member && event.isFor(connection.userId()) && connection.send(event.frame())) {
                sent++;
            }
            if (event.kind() == RoomEvent.Kind.MEMBER_REMOVED && subject) {
                member = false;
            }
        }
        hub.delivered(sent);
        if (member) {
            subscribe(connection, applied);
        } else {
            connection.left(roomId, applied);
        }
    }

    private void onSignal(RoomEvent signal) {
        if (signal.position() <= applied) {
            deliver(signal);
            return;
        }
        signals.computeIfAbsent(signal.position(), p -> new ArrayList<>(1)).add(signal);
        if (++signalCount > MAX_SIGNALS) {
            Map.Entry<Long, List<RoomEvent>> oldest = signals.firstEntry();
            oldest.getValue().remove(0);
            if (oldest.getValue().isEmpty()) {
                signals.remove(oldest.getKey());
            }
            signalCount--;
        }
        armTimer();
    }

    private void releaseSignals() {
        while (!signals.isEmpty() && signals.firstKey() <= applied) {
            List<RoomEvent> ready = signals.pollFirstEntry().getValue();
            signalCount -= ready.size();
            ready.forEach(this::deliver);
        }
    }

    private void admitJoiners() {
        while (!joiners.isEmpty() && joiners.firstKey() <= applied) {
            for (LiveConnection connection : joiners.pollFirstEntry().getValue()) {
                subscribers.add(connection);
            }
        }
    }

    private void subscribe(LiveConnection connection, long position) {
        connection.joined(roomId, position);
        subscribers.add(connection);
    }

    private void removeWithNotice(LiveConnection connection, long position) {
        subscribers.remove(connection);
        connection.left(roomId, position);
        if (connection.send(hub.removedFrame(roomId, connection.userId()))) {
            hub.delivered(1);
        }
    }

    /** The one serialized frame to every subscriber it is for. */
    private void deliver(RoomEvent event) {
        if (event.frame() == null) {
            return;
        }
        int sent = 0;
        for (LiveConnection connection : subscribers) {
            if (event.isFor(connection.userId()) && connection.send(event.frame())) {
                sent++;
            }
        }
        hub.delivered(sent);
    }

    private boolean waiting() {
        return !early.isEmpty() || !joiners.isEmpty() || !signals.isEmpty();
    }

    private void armTimer() {
        if (timer == -1 && !resyncing) {
            timer = hub.startTimer(() -> {
                timer = -1;
                if (waiting()) {
                    startResync();
                }
            });
        }
    }

    private void startResync() {
        cancelTimer();
        if (!resyncing) {
            resyncing = true;
            hub.resync(this);
        }
    }

    void cancelTimer() {
        if (timer != -1) {
            hub.cancelTimer(timer);
            timer = -1;
        }
    }
}
