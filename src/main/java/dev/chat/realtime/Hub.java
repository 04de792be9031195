package dev.chat.realtime;

import dev.chat.fanout.PresenceEvent;
import dev.chat.fanout.RoomEvent;
import io.quarkus.websockets.next.CloseReason;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The real-time state of one event loop: the connections whose sockets live on it, and a
 * {@link RoomDispatcher} for each room one of them receives. Everything here runs on that loop and
 * nowhere else, so it needs no lock, and every frame is written on the socket's own thread (no hand-over
 * to another loop per write). There is one hub per event loop that holds connections (Mattermost runs one
 * hub per CPU); every event goes to every hub, and each serves its own connections: a room with members on
 * all loops is fanned out by all cores at once, each event still serialized once, by its publisher.
 */
final class Hub implements RoomDispatcher.Host {

    private static final Logger LOG = Logger.getLogger(Hub.class);
    static final CloseReason SILENT = new CloseReason(1001, "No answer to pings");

    private final Context context;
    private final Hubs hubs;
    private final ConnectionIndex connections = new ConnectionIndex();
    private final Map<UUID, RoomDispatcher> rooms = new HashMap<>();
    private final RecentEvents recent;

    Hub(Context context, Hubs hubs) {
        this.context = context;
        this.hubs = hubs;
        this.recent = new RecentEvents(4096, 8L * 1024 * 1024);
        long sweep = Math.max(1000, hubs.config().silenceTimeout().toMillis() / 3);
        execute(() -> hubs.vertx().setPeriodic(sweep, id -> closeSilent()));
    }

    void execute(Runnable task) {
        context.runOnContext(v -> task.run());
    }

    // ---- From the fan-out (via Hubs.execute) ----

    void onRoomEvent(RoomEvent event) {
        if (event.kind().isOrdered()) {
            recent.add(event);
        }
        RoomDispatcher room = rooms.get(event.roomId());
        if (room == null) {
            // Nobody here receives the room; unless the event brings one of our users into it.
            if (event.kind().joins() && !connections.ofUser(event.subjectId()).isEmpty()) {
                rooms.put(event.roomId(), new RoomDispatcher(event.roomId(), event.position() - 1, this));
            }
            return;
        }
        room.onEvent(event);
        dropIfIdle(room);
    }

    /** To every connection of every other user sharing one of the rooms: each connection once. */
    void onPresence(PresenceEvent event) {
        Set<LiveConnection> mates = new LinkedHashSet<>();
        for (UUID roomId : event.roomIds()) {
            RoomDispatcher room = rooms.get(roomId);
            if (room != null) {
                for (LiveConnection connection : room.subscribers()) {
                    if (!connection.userId().equals(event.userId())) {
                        mates.add(connection);
                    }
                }
            }
        }
        int sent = 0;
        for (LiveConnection connection : mates) {
            if (connection.send(event.frame())) {
                sent++;
            }
        }
        delivered(sent);
    }

    void resyncAll() {
        List.copyOf(rooms.values()).forEach(RoomDispatcher::resyncNow);
    }

    // ---- Connections (on this loop) ----

    /**
     * Indexes the connection at once, so that membership changes from now on reach it, then loads its rooms.
     * {@code ready} goes out when they are joined; frames before it wait in the connection.
     */
    void open(LiveConnection connection) {
        connections.add(connection);
        hubs.opened(connection);
        // A connection without `ready` after this long waits for its rooms query: a database or a machine in
        // trouble, worth a line. (It stayed silent through the tests' old "no ready" flake: that was the
        // test client dropping a ready the server had written, see WsClient.connect.)
        hubs.vertx()
                .setTimer(
                        5000,
                        id -> execute(() -> {
                            if (connection.loading() && !connection.closed()) {
                                LOG.warnf(
                                        "Connection %s of user %s has no ready after 5 s (hub thread %s)",
                                        connection.id(),
                                        connection.userId(),
                                        Thread.currentThread().getName());
                            }
                        }));
        hubs.queries()
                .roomsOf(connection.userId())
                .subscribe()
                .with(
                        found -> execute(() -> loaded(connection, found)),
                        failure -> execute(() -> {
                            LOG.errorf(failure, "Could not load the rooms of user %s", connection.userId());
                            closeAndForget(connection, CloseReason.INTERNAL_SERVER_ERROR);
                        }));
    }

    private void loaded(LiveConnection connection, List<RealtimeQueries.RoomPosition> found) {
        if (connection.closed()) {
            return;
        }
        List<UUID> roomIds = new ArrayList<>(found.size());
        for (RealtimeQueries.RoomPosition room : found) {
            dispatcher(room.roomId(), room.position()).join(connection, room.position());
            if (hubs.presence().isCrowded(room.memberCount())) {
                connection.crowded(room.roomId());
            } else {
                roomIds.add(room.roomId());
            }
        }
        // Counted before `ready` goes out: a client that has its `ready` may close its other connection at
        // once, and that close must not find the user's count at zero (ClusterIT.presenceIsClusterWide). If
        // `ready` overflows the queue instead, the close that follows uncounts it.
        connection.counted = true;
        hubs.presence().connected(connection.userId(), roomIds);
        connection.ready(hubs.frames().ready(connection.userId(), connection.id()));
    }

    void closed(LiveConnection connection) {
        if (!connections.remove(connection)) {
            return;
        }
        connection.markClosed();
        hubs.closed(connection);
        List<UUID> roomIds = connection.roomIds();
        for (UUID roomId : roomIds) {
            RoomDispatcher room = rooms.get(roomId);
            if (room != null) {
                room.forget(connection);
                dropIfIdle(room);
            }
        }
        if (connection.counted) {
            hubs.presence().disconnected(connection.userId(), connection.presenceRoomIds());
        }
    }

    /** Closes now; forgets on the next turn of the loop (we may be iterating a room's subscribers). */
    void closeAndForget(LiveConnection connection, CloseReason reason) {
        connection.close(reason);
        execute(() -> closed(connection));
    }

    List<LiveConnection> all() {
        return List.copyOf(connections.all());
    }

    private void closeSilent() {
        long now = System.nanoTime();
        long limit = hubs.config().silenceTimeout().toNanos();
        for (LiveConnection connection : all()) {
            if (connection.silentNanos(now) > limit) {
                LOG.debugf(
                        "Closing connection %s of user %s: no answer to pings", connection.id(), connection.userId());
                closeAndForget(connection, SILENT);
            }
        }
    }

    private RoomDispatcher dispatcher(UUID roomId, long position) {
        RoomDispatcher room = rooms.get(roomId);
        if (room == null) {
            room = new RoomDispatcher(roomId, position, this);
            rooms.put(roomId, room);
        }
        return room;
    }

    private void dropIfIdle(RoomDispatcher room) {
        if (room.isIdle() && rooms.get(room.roomId) == room) {
            room.cancelTimer();
            rooms.remove(room.roomId);
        }
    }

    // ---- RoomDispatcher.Host ----

    @Override
    public List<LiveConnection> connectionsOf(UUID userId) {
        return List.copyOf(connections.ofUser(userId));
    }

    @Override
    public RecentEvents recent() {
        return recent;
    }

    @Override
    public long startTimer(Runnable task) {
        return hubs.vertx().setTimer(hubs.config().reorderWait().toMillis(), id -> task.run());
    }

    @Override
    public void cancelTimer(long id) {
        hubs.vertx().cancelTimer(id);
    }

    @Override
    public void resync(RoomDispatcher room) {
        hubs.resyncs().increment();
        hubs.queries()
                .state(room.roomId)
                .subscribe()
                .with(
                        state -> execute(() -> {
                            if (rooms.get(room.roomId) != room) {
                                return;
                            }
                            if (state == null) {
                                room.rebase(room.applied(), null);
                            } else {
                                room.rebase(state.position(), state.members());
                            }
                            dropIfIdle(room);
                        }),
                        failure -> execute(() -> {
                            LOG.warnf(failure, "Could not re-read room %s", room.roomId);
                            room.resyncFailed();
                        }));
    }

    @Override
    public void reload(LiveConnection connection, UUID roomId) {
        hubs.queries()
                .positionIfMember(connection.userId(), roomId)
                .subscribe()
                .with(
                        position -> execute(() -> {
                            if (position != null && !connection.closed()) {
                                dispatcher(roomId, position).join(connection, position);
                            }
                        }),
                        failure -> execute(() -> {
                            LOG.warnf(failure, "Could not re-read room %s for %s", roomId, connection.userId());
                            closeAndForget(connection, CloseReason.INTERNAL_SERVER_ERROR);
                        }));
    }

    @Override
    public Buffer removedFrame(UUID roomId, UUID userId) {
        return hubs.frames().memberRemoved(roomId, userId);
    }

    @Override
    public void delivered(int frames) {
        if (frames > 0) {
            hubs.deliveredCounter().increment(frames);
        }
    }
}
