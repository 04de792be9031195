package dev.chat.common;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Every setting of the chat service itself, under {@code chat.*}. Quarkus' own settings stay in theirs. */
@ConfigMapping(prefix = "chat")
public interface ChatConfig {

    Jwt jwt();

    Auth auth();

    Ws ws();

    /**
     * How events reach the other instances: {@code local} (one instance, in-process only) or {@code redis}
     * (Redis pub/sub between instances, cluster-wide presence; needs {@code quarkus.redis.hosts}).
     */
    @WithDefault("local")
    FanoutMode fanout();

    Redis redis();

    Presence presence();

    enum FanoutMode {
        LOCAL,
        REDIS
    }

    interface Jwt {
        /** The {@code iss} claim of issued access tokens; verification expects the same value. */
        @WithDefault("chat-service")
        String issuer();

        /** Access-token lifetime; the contract's default is 15 minutes. */
        @WithDefault("PT15M")
        Duration accessTokenTtl();

        /** Refresh-token lifetime; a refresh rotates the token but keeps the family. */
        @WithDefault("P30D")
        Duration refreshTokenTtl();
    }

    interface Auth {
        /**
         * bcrypt cost factor. 10 takes about 60 ms on one core of the development machine: slow enough
         * for offline guessing, fast enough that login does not need its own thread pool.
         */
        @WithDefault("10")
        int bcryptCost();

        /** Failed logins allowed for one username within {@link #loginFailureWindow()} before 429. */
        @WithDefault("10")
        int loginMaxFailures();

        @WithDefault("PT5M")
        Duration loginFailureWindow();

        /** Lifetime of a single-use WebSocket ticket. */
        @WithDefault("PT30S")
        Duration wsTicketTtl();
    }

    interface Ws {
        /** Events queued for one connection before it counts as a slow consumer and is closed (4008). */
        @WithDefault("1024")
        int maxQueuedMessages();

        /** Bytes queued for one connection before it counts as a slow consumer and is closed (4008). */
        @WithDefault("1048576")
        long maxQueuedBytes();

        /**
         * How long a room's dispatcher holds events that arrived ahead of a missing stream position before it
         * re-reads the room from PostgreSQL and goes on (the client fills a real gap with {@code ?after=}).
         * Publications race by microseconds in one instance and by a few milliseconds over Redis, so the
         * wait normally ends long before this; it runs out only when an event was really lost.
         */
        @WithDefault("PT1S")
        Duration reorderWait();

        /** WebSocket connections one user may hold on one instance; the next upgrade is refused with 429. */
        @WithDefault("10")
        int maxConnectionsPerUser();

        /**
         * A connection from which nothing arrived for this long, not even a pong to the server's auto-pings
         * ({@code quarkus.websockets-next.server.auto-ping-interval}), is dead and gets closed.
         */
        @WithDefault("PT90S")
        Duration silenceTimeout();
    }

    interface Redis {
        /**
         * Room events travel on this many channels, a room's channel chosen by its id. Every instance
         * subscribes to all of them on one connection, so it sees every room's stream from the first event
         * on (an instance that just got a room's first member needs no subscribe round trip before it may
         * deliver), at the price of reading the events of rooms it has no member of.
         */
        @WithDefault("16")
        int channels();

        /** Prefix of every channel and key, so that several deployments (or test runs) can share a server. */
        @WithDefault("chat")
        String prefix();

        /**
         * How often an instance proves it is alive (presence) and that its subscription still works (it
         * publishes a ping to itself and resubscribes when it does not come back).
         */
        @WithDefault("PT1S")
        Duration heartbeat();

        /**
         * An instance that has not refreshed its heartbeat for this long is dead: its users' connections
         * no longer count, and those who have none elsewhere are announced offline. An instance killed
         * outright thus takes its users offline for everyone else within this bound plus one heartbeat.
         */
        @WithDefault("PT10S")
        Duration instanceTtl();
    }

    interface Presence {
        /**
         * A closed connection still counts for this long: a user who reconnects within it (a page reload, a
         * reconnect storm after an instance went away) is never announced offline and online again, which
         * would cost every room-mate's connection two frames per user.
         */
        @WithDefault("PT3S")
        Duration offlineGrace();
    }
}
