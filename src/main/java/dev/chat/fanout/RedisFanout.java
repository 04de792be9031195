package dev.chat.fanout;

import dev.chat.common.ChatConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Typed;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Many instances: an event is handed to this instance's listener at once (so local delivery never waits
 * for, or depends on, Redis) and published on its room's Redis channel for the others. Each instance
 * ignores its own publications when they come back, so every connection gets each event exactly once.
 *
 * <p>Why Redis pub/sub and not a protocol of our own between instances: every instance already needs a
 * shared, well-understood server for the cluster-wide presence counts and limits; pub/sub adds no state and
 * no membership protocol (who the peers are, retries, back-pressure) for us to get right. It is a carrier
 * only: whatever it drops, PostgreSQL still has, and the dispatchers re-read it when a gap shows.
 *
 * <p>The subscription is one dedicated connection of our own for all channels, not the data source's
 * pub/sub API (which may open a connection per subscribe and, after a Redis restart, can lose its
 * subscription without a word). A connection that ends, or a ping to ourselves that does not come back
 * within three heartbeats (Redis drops subscribers that fall too far behind, and restarts forget them), is
 * replaced, and the listener is told to re-read, since events may have been missed meanwhile.
 */
@ApplicationScoped
@Typed(RedisFanout.class)
public class RedisFanout implements Fanout {

    private static final Logger LOG = Logger.getLogger(RedisFanout.class);
    private static final byte PING = 'H';

    private final LocalFanout local;
    private final Redis redis;
    private final Vertx vertx;
    private final ChatConfig.Redis config;
    private final UUID instanceId;
    private final String[] channels;
    private final String control;
    private final Counter publishFailures;
    private final Counter resubscriptions;

    // Touched on the subscriber's event loop only, except the volatile flags read by health and publishers.
    private RedisConnection subscriber;
    private volatile boolean subscribed;
    private volatile long lastPingSeen = System.nanoTime();
    private boolean lostOnce;
    private long heartbeatTimer = -1;
    private volatile boolean stopped;

    RedisFanout(
            LocalFanout local,
            Redis redis,
            Vertx vertx,
            ChatConfig config,
            InstanceIdentity instance,
            MeterRegistry meters) {
        this.local = local;
        this.redis = redis;
        this.vertx = vertx;
        this.config = config.redis();
        this.instanceId = instance.id();
        this.channels = new String[this.config.channels()];
        for (int i = 0; i < channels.length; i++) {
            channels[i] = this.config.prefix() + ":room:" + i;
        }
        this.control = this.config.prefix() + ":control";
        this.publishFailures = Counter.builder("chat.redis.publish.failures")
                .description("Events that could not be published to Redis (other instances miss them)")
                .register(meters);
        this.resubscriptions = Counter.builder("chat.redis.resubscriptions")
                .description("Times the Redis subscription was lost and made anew")
                .register(meters);
    }

    @Override
    public void listen(FanoutListener listener) {
        local.listen(listener);
        vertx.runOnContext(v -> {
            connect();
            heartbeatTimer = vertx.setPeriodic(config.heartbeat().toMillis(), id -> heartbeat());
        });
    }

    void stop(@Observes ShutdownEvent stop) {
        stopped = true;
        if (heartbeatTimer != -1) {
            vertx.cancelTimer(heartbeatTimer);
        }
        RedisConnection current = subscriber;
        if (current != null) {
            current.close();
        }
    }

    @Override
    public void publish(RoomEvent event) {
        local.publish(event);
        send(channelOf(event), EventCodec.encode(instanceId, event));
    }

    @Override
    public void publish(PresenceEvent event) {
        local.publish(event);
        // On the channel of the user's id: presence of one user stays in order, like a room's events.
        send(channels[Math.floorMod(event.userId().hashCode(), channels.length)], EventCodec.encode(instanceId, event));
    }

    /** Whether this instance currently hears the other instances (for {@code /q/health}, not readiness). */
    public boolean connected() {
        return subscribed
                && System.nanoTime() - lastPingSeen < 3 * config.heartbeat().toNanos();
    }

    String channelOf(RoomEvent event) {
        return channels[Math.floorMod(event.roomId().hashCode(), channels.length)];
    }

    private void send(String channel, Buffer payload) {
        redis.send(Request.cmd(Command.PUBLISH).arg(channel).arg(payload)).onFailure(failure -> {
            publishFailures.increment();
            LOG.debugf(failure, "Could not publish to Redis");
        });
    }

    private void connect() {
        if (stopped) {
            return;
        }
        redis.connect().onSuccess(this::subscribe).onFailure(failure -> {
            LOG.debugf(failure, "Redis unreachable; trying again");
            vertx.setTimer(config.heartbeat().toMillis(), id -> connect());
        });
    }

    private void subscribe(RedisConnection connection) {
        subscriber = connection;
        connection.handler(this::onMessage);
        connection.exceptionHandler(failure -> lost(connection, failure));
        connection.endHandler(v -> lost(connection, null));
        Request subscribe = Request.cmd(Command.SUBSCRIBE).arg(control);
        for (String channel : channels) {
            subscribe.arg(channel);
        }
        connection
                .send(subscribe)
                .onSuccess(ok -> {
                    subscribed = true;
                    lastPingSeen = System.nanoTime();
                    if (lostOnce) {
                        LOG.info("Redis subscription restored");
                        local.carrierRestored();
                    }
                })
                .onFailure(failure -> lost(connection, failure));
    }

    private void lost(RedisConnection connection, Throwable failure) {
        if (stopped || connection != subscriber) {
            return; // our own close at shutdown, or an old connection's late news
        }
        subscriber = null;
        subscribed = false;
        lostOnce = true;
        resubscriptions.increment();
        LOG.warnf("Redis subscription lost (%s); resubscribing", failure == null ? "closed" : failure.getMessage());
        // QUIT makes the server end it, so the client's pool can never hand out a connection still subscribed.
        connection.send(Request.cmd(Command.QUIT)).onComplete(done -> connection.close());
        vertx.setTimer(Math.max(100, config.heartbeat().toMillis() / 2), id -> connect());
    }

    /** Publishes a ping to ourselves; a subscription that stopped hearing them is replaced. */
    private void heartbeat() {
        RedisConnection current = subscriber;
        if (current != null
                && subscribed
                && System.nanoTime() - lastPingSeen > 3 * config.heartbeat().toNanos()) {
            lost(current, new IllegalStateException("our own pings no longer arrive"));
            return;
        }
        Buffer ping = Buffer.buffer(17).appendByte(PING);
        ping.appendLong(instanceId.getMostSignificantBits()).appendLong(instanceId.getLeastSignificantBits());
        send(control, ping);
    }

    private void onMessage(Response message) {
        if (message.type() != ResponseType.PUSH && message.type() != ResponseType.MULTI) {
            return;
        }
        if (message.size() < 3 || !"message".equals(message.get(0).toString())) {
            return; // subscribe confirmations
        }
        Buffer payload = message.get(2).toBuffer();
        if (control.equals(message.get(1).toString())) {
            if (payload.length() == 17
                    && payload.getByte(0) == PING
                    && payload.getLong(1) == instanceId.getMostSignificantBits()
                    && payload.getLong(9) == instanceId.getLeastSignificantBits()) {
                lastPingSeen = System.nanoTime();
            }
            return;
        }
        EventCodec.Decoded decoded;
        try {
            decoded = EventCodec.decode(payload);
        } catch (IllegalArgumentException e) {
            LOG.debugf(e, "Ignoring a message that is not an event");
            return;
        }
        if (instanceId.equals(decoded.origin())) {
            return; // delivered locally when it was published
        }
        // Another instance's event: to this instance's listener, as if it had been published here.
        if (decoded.room() != null) {
            local.publish(decoded.room());
        } else {
            local.publish(decoded.presence());
        }
    }
}
