package dev.chat.realtime;

import dev.chat.common.ChatConfig;
import dev.chat.common.Times;
import dev.chat.fanout.EventType;
import dev.chat.fanout.LocalFanout;
import dev.chat.fanout.MembershipCutoff;
import dev.chat.fanout.RoomEnvelope;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OpenConnections;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.impl.ContextInternal;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * This instance's connections, by user and by room, and the delivery of room events to them.
 *
 * <p>Why it is thread-safe without locks: all of its state (and that of {@link RoomDispatcher} and the
 * room lists of {@link LiveConnection}) lives on one Vert.x event-loop context, the hub. The event-bus
 * consumers of the rooms and users are registered from the hub, so Vert.x runs their handlers there;
 * socket callbacks (open, close, inbound frames) and database results hop onto it with
 * {@code runOnContext}. One thread thus sees every change in a single order: a membership event is
 * applied before the next event in the queue is delivered, and a room's frames leave in the order the hub
 * wrote them. Writes to sockets owned by other event loops are safe in Vert.x (they are queued to the
 * socket's loop in order). The hub does no blocking and no per-recipient database work, only
 * {@code writeFrame} of the one shared buffer; should one loop ever not suffice, rooms can be sharded
 * over several hubs by room id, with a user's address on every hub that holds the user.
 *
 * <p>Membership events reach the subject through the subject's user address (see {@link LocalFanout}) and
 * everybody else through the room's address: on an instance that holds no other member of the room the
 * room's address has no consumer yet, and the added member must still start receiving the room at once.
 * "At once" means: every event published after the {@code member.added} publication returned. So the
 * room's consumer cannot wait for the hub to get to the event; an outbound interceptor registers it (bound
 * to the hub) synchronously, inside that publication. The consumers therefore live in a concurrent map,
 * the one piece of state not confined to the hub. (Left open: if the room's last local connection closes
 * in the same microseconds, the hub may drop the consumer the interceptor just found, and the added member
 * misses events until its next connect.)
 */
@ApplicationScoped
public class ConnectionRegistry {

    private static final Logger LOG = Logger.getLogger(ConnectionRegistry.class);
    static final CloseReason SLOW_CONSUMER = new CloseReason(4008, "Outbound queue full: too slow");
    static final CloseReason SHUTDOWN = new CloseReason(1001, "Server shutting down");
    static final CloseReason SILENT = new CloseReason(1001, "No answer to pings");
    private static final UserData.TypedKey<LiveConnection> LIVE = new UserData.TypedKey<>("chat.live");

    private final Vertx vertx;
    private final RealtimeQueries queries;
    private final Presence presence;
    private final Frames frames;
    private final OpenConnections openConnections;
    private final ChatConfig.Ws config;
    private final MeterRegistry meters;
    private final MembershipCutoff cutoff;
    private final AtomicInteger open = new AtomicInteger();
    private Counter delivered;
    private Counter slowConsumerCloses;
    private Context hub;

    // Hub-confined.
    private final Map<String, LiveConnection> connections = new HashMap<>();
    private final Map<UUID, RoomDispatcher> rooms = new HashMap<>();
    private final Map<UUID, UserEntry> users = new HashMap<>();

    // Shared with publishers' threads (see the class comment).
    private final ConcurrentMap<UUID, MessageConsumer<RoomEnvelope>> roomConsumers = new ConcurrentHashMap<>();
    private final Set<UUID> localUsers = ConcurrentHashMap.newKeySet();

    private static final class UserEntry {
        final Set<LiveConnection> connections = new LinkedHashSet<>();
        MessageConsumer<RoomEnvelope> consumer;
    }

    ConnectionRegistry(
            Vertx vertx,
            RealtimeQueries queries,
            Presence presence,
            Frames frames,
            OpenConnections openConnections,
            ChatConfig config,
            MeterRegistry meters,
            MembershipCutoff cutoff) {
        this.vertx = vertx;
        this.queries = queries;
        this.presence = presence;
        this.frames = frames;
        this.openConnections = openConnections;
        this.config = config.ws();
        this.meters = meters;
        this.cutoff = cutoff;
    }

    void start(@Observes StartupEvent start) {
        // Called on the main thread: a new event-loop context of its own, not one of a request.
        hub = vertx.getOrCreateContext();
        Gauge.builder("chat.ws.connections", open, AtomicInteger::get)
                .description("Open WebSocket connections on this instance")
                .register(meters);
        delivered = Counter.builder("chat.events.delivered")
                .description("Event frames written to WebSocket connections")
                .register(meters);
        slowConsumerCloses = Counter.builder("chat.ws.slow.consumer.closes")
                .description("Connections closed with 4008 because their outbound queue was full")
                .register(meters);
        vertx.eventBus().addOutboundInterceptor(this::beforePublication);
        long sweep = Math.max(1000, config.silenceTimeout().toMillis() / 3);
        hub.runOnContext(v -> vertx.setPeriodic(sweep, id -> closeSilent()));
    }

    /**
     * Closes every connection with 1001, waiting a moment for the close frames. No longer an observer: on a real
     * shutdown the HTTP server has closed the sockets (1000) before {@code ShutdownEvent}; {@link ShutdownCloser}
     * does it in time. Kept only for ConnectionLifecycleTest, which calls it directly.
     */
    void stop(ShutdownEvent stop) {
        List<Uni<Void>> closing = new ArrayList<>();
        openConnections.forEach(
                connection -> closing.add(connection.close(SHUTDOWN).onFailure().recoverWithNull()));
        if (!closing.isEmpty()) {
            try {
                Uni.join().all(closing).andCollectFailures().await().atMost(Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                LOG.debug("Not every connection confirmed its close", e);
            }
        }
    }

    // ---- Publishers' threads ----

    /** Starts consuming a room before a {@code member.added} of a locally connected user is even delivered. */
    private void beforePublication(DeliveryContext<Object> delivery) {
        // The address first: body() of other traffic may copy it (JsonObject codecs), ours is shared.
        if (delivery.message().address().startsWith(LocalFanout.USER_ADDRESS_PREFIX)
                && delivery.body() instanceof RoomEnvelope envelope
                && EventType.MEMBER_ADDED.equals(envelope.type())
                && envelope.subjectUserId() != null
                && localUsers.contains(envelope.subjectUserId())) {
            roomConsumers.computeIfAbsent(envelope.roomId(), this::consumeRoom);
        }
        delivery.next();
    }

    /** Registers the room's consumer from any thread, bound to the hub: its handler always runs there. */
    private MessageConsumer<RoomEnvelope> consumeRoom(UUID roomId) {
        List<MessageConsumer<RoomEnvelope>> registered = new ArrayList<>(1);
        ((ContextInternal) hub)
                .dispatch(() -> registered.add(vertx.eventBus()
                        .<RoomEnvelope>consumer(
                                LocalFanout.address(roomId), message -> onRoomEnvelope(roomId, message.body()))));
        return registered.get(0);
    }

    // ---- Socket callbacks (any thread) ----

    /**
     * Registers the connection by user at once, so that membership changes from now on reach it, then loads
     * its rooms. {@code ready} goes out when the rooms are subscribed; frames before it wait.
     */
    void open(WebSocketConnection socket, UUID userId) {
        LiveConnection connection = new LiveConnection(
                socket, userId, config.maxQueuedMessages(), config.maxQueuedBytes(), this::overflowed);
        socket.userData().put(LIVE, connection);
        hub.runOnContext(v -> {
            connections.put(connection.id(), connection);
            open.incrementAndGet();
            users.computeIfAbsent(userId, this::watchUser).connections.add(connection);
            localUsers.add(userId);
            queries.roomsOf(userId)
                    .subscribe()
                    .with(
                            found -> hub.runOnContext(x -> loaded(connection, found)),
                            failure -> hub.runOnContext(x -> {
                                LOG.errorf(failure, "Could not load the rooms of user %s", userId);
                                closeAndForget(connection, CloseReason.INTERNAL_SERVER_ERROR);
                            }));
        });
    }

    void closed(WebSocketConnection socket) {
        LiveConnection connection = socket.userData().get(LIVE);
        if (connection != null) {
            hub.runOnContext(v -> forget(connection));
        }
    }

    /** Something arrived from the client: it is alive. */
    void heard(WebSocketConnection socket) {
        LiveConnection connection = socket.userData().get(LIVE);
        if (connection != null) {
            connection.heard();
        }
    }

    /** Answers the client through the same bounded queue, behind everything already queued. */
    void reply(WebSocketConnection socket, Buffer frame) {
        LiveConnection connection = socket.userData().get(LIVE);
        if (connection != null) {
            hub.runOnContext(v -> connection.send(frame));
        }
    }

    // ---- On the hub ----

    private void loaded(LiveConnection connection, List<RealtimeQueries.RoomSeq> found) {
        if (connection.closed()) {
            return;
        }
        for (RealtimeQueries.RoomSeq room : found) {
            if (!connection.removedWhileLoading(room.roomId())) {
                subscribe(connection, room.roomId(), room.lastSeq());
            }
        }
        connection.ready(frames.ready(connection.userId, connection.id()));
        if (connection.closed()) {
            return;
        }
        connection.counted = true;
        if (presence.connected(connection.userId)) {
            announce(connection.userId, connection.rooms, true, Times.now());
        }
    }

    private void forget(LiveConnection connection) {
        if (connections.remove(connection.id()) == null) {
            return;
        }
        open.decrementAndGet();
        connection.markClosed();
        boolean wentOffline = connection.counted && presence.disconnected(connection.userId);
        Instant now = Times.now();
        if (wentOffline) {
            announce(connection.userId, connection.rooms, false, now);
        }
        for (UUID roomId : new ArrayList<>(connection.rooms)) {
            unsubscribe(connection, roomId);
        }
        UserEntry user = users.get(connection.userId);
        if (user != null) {
            user.connections.remove(connection);
            if (user.connections.isEmpty()) {
                user.consumer.unregister();
                users.remove(connection.userId);
                localUsers.remove(connection.userId);
            }
        }
        if (wentOffline) {
            queries.touchLastSeen(connection.userId, now)
                    .subscribe()
                    .with(
                            ok -> {},
                            failure -> LOG.warnf(failure, "Could not record last seen of user %s", connection.userId));
        }
    }

    private UserEntry watchUser(UUID userId) {
        UserEntry user = new UserEntry();
        user.consumer = vertx.eventBus()
                .consumer(LocalFanout.userAddress(userId), message -> onMembership(userId, message.body()));
        return user;
    }

    /**
     * The subject's side of {@code member.added} / {@code member.removed}: subscribe before delivering, so
     * the event and everything after it arrive; deliver before unsubscribing, so the removed user learns why
     * the room went quiet.
     */
    private void onMembership(UUID userId, RoomEnvelope envelope) {
        boolean added = EventType.MEMBER_ADDED.equals(envelope.type());
        UserEntry user = users.get(userId);
        if (user == null) {
            if (added && !rooms.containsKey(envelope.roomId())) {
                // The user left before the hub got here: drop the consumer the interceptor registered.
                unconsumeRoom(envelope.roomId());
            }
            return;
        }
        if (!added && !EventType.MEMBER_REMOVED.equals(envelope.type())) {
            return;
        }
        int count = 0;
        for (LiveConnection connection : user.connections) {
            connection.membershipChangedWhileLoading(envelope.roomId(), added);
            if (added) {
                subscribe(connection, envelope.roomId(), null);
            }
            if (connection.send(envelope.frame())) {
                count++;
            }
            if (!added) {
                unsubscribe(connection, envelope.roomId());
            }
        }
        delivered(count);
    }

    MembershipCutoff cutoff() {
        return cutoff;
    }

    private void subscribe(LiveConnection connection, UUID roomId, Long lastSeq) {
        RoomDispatcher room = rooms.get(roomId);
        if (room == null) {
            room = new RoomDispatcher(roomId, lastSeq != null ? lastSeq + 1 : RoomDispatcher.UNKNOWN, this);
            rooms.put(roomId, room);
            roomConsumers.computeIfAbsent(roomId, this::consumeRoom);
        } else if (lastSeq != null) {
            room.knowLastSeq(lastSeq);
        }
        room.connections.add(connection);
        connection.rooms.add(roomId);
    }

    private void unsubscribe(LiveConnection connection, UUID roomId) {
        connection.rooms.remove(roomId);
        RoomDispatcher room = rooms.get(roomId);
        if (room == null) {
            return;
        }
        room.connections.remove(connection);
        if (room.connections.isEmpty()) {
            room.cancelTimer();
            rooms.remove(roomId);
            unconsumeRoom(roomId);
        }
    }

    private void unconsumeRoom(UUID roomId) {
        MessageConsumer<RoomEnvelope> consumer = roomConsumers.remove(roomId);
        if (consumer != null) {
            consumer.unregister();
        }
    }

    /** A room's event, on the hub. Without a dispatcher it arrived before the member.added that wanted it. */
    private void onRoomEnvelope(UUID roomId, RoomEnvelope envelope) {
        RoomDispatcher room = rooms.get(roomId);
        if (room != null) {
            room.onEnvelope(envelope);
        }
    }

    /** Presence to every connection of every other user sharing one of the rooms: each connection once. */
    private void announce(UUID userId, Set<UUID> roomIds, boolean online, Instant at) {
        Set<LiveConnection> mates = new LinkedHashSet<>();
        for (UUID roomId : roomIds) {
            RoomDispatcher room = rooms.get(roomId);
            if (room != null) {
                for (LiveConnection connection : room.connections) {
                    if (!connection.userId.equals(userId)) {
                        mates.add(connection);
                    }
                }
            }
        }
        if (mates.isEmpty()) {
            return;
        }
        Buffer frame = frames.presence(userId, online, at);
        int count = 0;
        for (LiveConnection connection : mates) {
            if (connection.send(frame)) {
                count++;
            }
        }
        delivered(count);
    }

    /**
     * Called by {@link LiveConnection#send} (on the hub, possibly while a room's connections are being
     * iterated): close now, forget on the next turn of the hub.
     */
    private void overflowed(LiveConnection connection) {
        slowConsumerCloses.increment();
        LOG.infof("Closing connection %s of user %s: slow consumer", connection.id(), connection.userId);
        closeAndForget(connection, SLOW_CONSUMER);
    }

    private void closeAndForget(LiveConnection connection, CloseReason reason) {
        connection.markClosed();
        connection.connection.close(reason).subscribe().with(ok -> {}, failure -> {});
        hub.runOnContext(v -> forget(connection));
    }

    private void closeSilent() {
        long now = System.nanoTime();
        long limit = config.silenceTimeout().toNanos();
        List<LiveConnection> silent = new ArrayList<>();
        for (LiveConnection connection : connections.values()) {
            if (connection.silentNanos(now) > limit) {
                silent.add(connection);
            }
        }
        for (LiveConnection connection : silent) {
            LOG.debugf("Closing connection %s of user %s: no answer to pings", connection.id(), connection.userId);
            closeAndForget(connection, SILENT);
        }
    }

    void delivered(int count) {
        if (count > 0) {
            delivered.increment(count);
        }
    }

    long setTimer(Runnable task) {
        return vertx.setTimer(config.reorderWait().toMillis(), id -> task.run());
    }

    void cancelTimer(long id) {
        vertx.cancelTimer(id);
    }
}
