package dev.chat.common;

import dev.chat.limits.Rate;
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

    Limits limits();

    Sessions sessions();

    Database database();

    Sends sends();

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

        /** Lifetime of a single-use WebSocket ticket. */
        @WithDefault("PT30S")
        Duration wsTicketTtl();

        /**
         * How long an instance trusts that a token's user still exists before it looks again
         * ({@code auth/ActiveUserAugmentor}): the longest a deleted account's access tokens keep working. 0
         * looks up the user on every request.
         */
        @WithDefault("PT2S")
        Duration activeUserTtl();
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

        /** WebSocket connections one user may hold across all instances; the next upgrade is refused with 429. */
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

        /**
         * Presence is announced through rooms of at most this many members only. In a room of N members every
         * change reaches N connections, so N members connecting at once (the first connect after a restart, a
         * deployment) would cost N² frames: 12.5 million for 5,000 members, measured at 348 s of a saturated
         * instance. Above the cap the room's members see each other's presence only through smaller rooms
         * they share, or ask for it ({@code GET /api/users/{id}}); a storm in a room at the cap costs at most
         * cap² frames.
         */
        @WithDefault("200")
        int maxRoomSize();
    }

    /**
     * Request limits ({@code dev.chat.limits}), each a {@link Rate} written {@code <permits>/<period>[ burst <n>]}.
     * A refused request gets 429 with {@code Retry-After}. With {@code chat.fanout=redis} the buckets live in
     * Redis and hold for all instances together; otherwise in each instance's memory.
     */
    interface Limits {
        /**
         * Login attempts per username and client address, counted before the password is checked. 10 a
         * minute: far above what a person mistypes, four orders of magnitude below what a guesser needs.
         */
        @WithDefault("10/1m")
        Rate login();

        /** Registrations per client address; a whole office behind one NAT still gets 20 an hour. */
        @WithDefault("20/1h burst 20")
        Rate register();

        /** Messages sent per user: 10 a second sustained, a paste of 30 at once. */
        @WithDefault("10/1s burst 30")
        Rate send();

        /** Typing signals per user. Clients send one every few seconds while typing; 5/s covers several rooms. */
        @WithDefault("5/1s burst 20")
        Rate typing();

        /** Receipts per user: a client catching up acknowledges a burst of rooms at once, then a few a second. */
        @WithDefault("20/1s burst 100")
        Rate receipts();

        /** Group and direct rooms created per user. */
        @WithDefault("30/1h burst 10")
        Rate roomCreation();

        /** Prefix of every Redis key of the limits, so that deployments (and test runs) can share one Redis. */
        @WithDefault("chat:limits:")
        String redisPrefix();

        /** Past this, a Redis call counts as failed and the request is limited in-process instead (fail open). */
        @WithDefault("PT0.25S")
        Duration redisTimeout();

        /**
         * Most buckets one instance holds in memory (local mode, and the Redis fallback). About 100 bytes
         * each: 100 000 is 10 MB. Past it, full buckets are forgotten first, then arbitrary ones.
         */
        @WithDefault("100000")
        int localMaxKeys();
    }

    /** Sessions: the refresh-token families that a login starts. */
    interface Sessions {
        /** A session ends this long after its login, however often it was refreshed: then log in again. */
        @WithDefault("P90D")
        Duration absoluteLifetime();

        /** How often each instance deletes expired and revoked refresh tokens (a few indexed, batched deletes). */
        @WithDefault("PT10M")
        Duration purgeInterval();
    }

    /**
     * How long a request may wait for the database before it is answered 503. The server-side timeouts
     * (statement, lock, idle in transaction) are PostgreSQL settings sent when a connection opens, under
     * {@code quarkus.datasource.reactive.additional-properties} in application.properties.
     */
    interface Database {
        /** Longest wait for a free pool connection; a request that waits longer gets 503. */
        @WithDefault("PT5S")
        Duration poolWaitTimeout();

        /**
         * Requests that may queue for a connection at once; the next one is refused at once with 503 rather
         * than piling up behind a database that does not keep up.
         */
        @WithDefault("1000")
        int poolMaxWaitQueue();
    }

    /**
     * Group commit of sends ({@code message/SendBatcher}): each instance runs at most one send transaction per
     * room at a time, and the sends that arrive meanwhile go together in the next one.
     */
    interface Sends {
        /**
         * Most sends written in one transaction. One room lock, one check and one insert serve them all
         * (pgbench, one room, on the 2-core machine: 7,800 messages/s with batches of 8, 19,500 with batches of
         * 32, against about 1,000 single-message transactions/s); the bound keeps one batch's statements and
         * its commit short, so that the sends queued behind it do not wait long.
         */
        @WithDefault("64")
        int maxBatch();

        /**
         * Sends that may wait for one room's next transaction on one instance; the next one is refused at once
         * with 429 and {@code Retry-After} rather than queued behind a room that does not keep up. With the
         * default per-user limit (10/s, burst 30) it takes dozens of senders bursting at once to reach it.
         */
        @WithDefault("1024")
        int maxQueuedPerRoom();

        /**
         * Send transactions one instance runs at once, whatever their rooms. While that many run, the sends of
         * every other room wait and go together in the next one, which locks all of their rooms: many rooms with
         * a send each then share one commit and one statement's planning (about 1 ms), where each would pay its
         * own. A room has at most one in flight, so its sends stay in order. On this 2-core machine 1 made bigger
         * batches and more sends a second (src/bench/RESULTS.md); 2 keeps the instance sending while one batch waits
         * for a room's lock.
         */
        @WithDefault("2")
        int maxTransactions();
    }
}
