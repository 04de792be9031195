package dev.chat.realtime;

import dev.chat.common.ChatConfig;
import dev.chat.fanout.Fanout;
import dev.chat.fanout.FanoutListener;
import dev.chat.fanout.PresenceEvent;
import dev.chat.fanout.RoomEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * This instance's hubs, one per event loop that holds connections, and the fan-out's listener: every event
 * is handed to every hub, on its own loop. Also what the hubs share (queries, frames, presence, metrics),
 * and the open-connection counts per user. Shutdown (1001 to every socket) is {@link ShutdownCloser}'s: by
 * the time {@code ShutdownEvent} fires, Quarkus has already closed the sockets.
 */
@ApplicationScoped
public class Hubs implements FanoutListener {

    private static final Logger LOG = Logger.getLogger(Hubs.class);

    private final Vertx vertx;
    private final Fanout fanout;
    private final RealtimeQueries queries;
    private final Frames frames;
    private final Presence presence;
    private final ChatConfig.Ws config;
    private final MeterRegistry meters;
    private final ConcurrentMap<Thread, Hub> byThread = new ConcurrentHashMap<>();
    private final List<Hub> all = new CopyOnWriteArrayList<>();
    private final ConcurrentMap<UUID, AtomicInteger> perUser = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private Counter delivered;
    private Counter slowConsumerCloses;
    private Counter resyncs;

    Hubs(
            Vertx vertx,
            Fanout fanout,
            RealtimeQueries queries,
            Frames frames,
            Presence presence,
            ChatConfig config,
            MeterRegistry meters) {
        this.vertx = vertx;
        this.fanout = fanout;
        this.queries = queries;
        this.frames = frames;
        this.presence = presence;
        this.config = config.ws();
        this.meters = meters;
    }

    void start(@Observes StartupEvent start) {
        Gauge.builder("chat.ws.connections", open, AtomicInteger::get)
                .description("Open WebSocket connections on this instance")
                .register(meters);
        delivered = Counter.builder("chat.events.delivered")
                .description("Event frames written to WebSocket connections")
                .register(meters);
        slowConsumerCloses = Counter.builder("chat.ws.slow.consumer.closes")
                .description("Connections closed with 4008 because their outbound queue was full")
                .register(meters);
        resyncs = Counter.builder("chat.room.resyncs")
                .description("Times a hub re-read a room from the database after a lost event")
                .register(meters);
        fanout.listen(this);
    }

    // ---- FanoutListener (any thread) ----

    @Override
    public void onRoomEvent(RoomEvent event) {
        for (Hub hub : all) {
            hub.execute(() -> hub.onRoomEvent(event));
        }
    }

    @Override
    public void onPresence(PresenceEvent event) {
        for (Hub hub : all) {
            hub.execute(() -> hub.onPresence(event));
        }
    }

    @Override
    public void onCarrierRestored() {
        for (Hub hub : all) {
            hub.execute(hub::resyncAll);
        }
    }

    // ---- The socket endpoint (on the connection's event loop) ----

    /** The hub of the calling event loop, made on first use: call only from a connection's own loop. */
    Hub hubOfThisLoop() {
        return byThread.computeIfAbsent(Thread.currentThread(), thread -> {
            Context context = Vertx.currentContext();
            if (context == null || !Context.isOnEventLoopThread()) {
                throw new IllegalStateException("Hubs live on event loops; called on " + thread.getName());
            }
            Hub hub = new Hub(context, this);
            all.add(hub);
            return hub;
        });
    }

    LiveConnection connection(WebSocketConnection socket, UUID userId, Hub hub) {
        return new LiveConnection(
                socket.id(),
                userId,
                new SocketOutbound(socket),
                config.maxQueuedMessages(),
                config.maxQueuedBytes(),
                overflowed -> overflowed(hub, overflowed));
    }

    /** Open connections of the user on this instance (the per-user cap). */
    int openConnectionsOf(UUID userId) {
        AtomicInteger count = perUser.get(userId);
        return count == null ? 0 : count.get();
    }

    // ---- For the hubs ----

    void opened(LiveConnection connection) {
        open.incrementAndGet();
        perUser.computeIfAbsent(connection.userId(), id -> new AtomicInteger()).incrementAndGet();
    }

    void closed(LiveConnection connection) {
        open.decrementAndGet();
        perUser.computeIfPresent(connection.userId(), (id, count) -> count.decrementAndGet() == 0 ? null : count);
    }

    private void overflowed(Hub hub, LiveConnection connection) {
        slowConsumerCloses.increment();
        LOG.infof("Closing connection %s of user %s: slow consumer", connection.id(), connection.userId());
        hub.closeAndForget(connection, LiveConnection.SLOW_CONSUMER);
    }

    Vertx vertx() {
        return vertx;
    }

    ChatConfig.Ws config() {
        return config;
    }

    RealtimeQueries queries() {
        return queries;
    }

    Frames frames() {
        return frames;
    }

    Presence presence() {
        return presence;
    }

    Counter deliveredCounter() {
        return delivered;
    }

    Counter resyncs() {
        return resyncs;
    }
}
