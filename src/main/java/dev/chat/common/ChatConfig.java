package dev.chat.common;

import dev.chat.limits.Rate;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Every setting of the chat service itself, under {@code chat.*}. Quarkus' own settings stay in theirs. */
@ConfigMapping(prefix = "chat")
public interface ChatConfig {

    /**
     * {@code local} (one instance) or {@code redis} (several, sharing state through Redis). Declared here so the
     * setting is known to this mapping; the request limits read it as a plain string ({@code dev.chat.limits}),
     * so whoever refines its type for the fan-out (an enum, say) changes nothing for them.
     */
    @WithDefault("local")
    String fanout();

    Jwt jwt();

    Auth auth();

    Ws ws();

    Limits limits();

    Sessions sessions();

    Database database();

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
    }

    interface Ws {
        /** Events queued for one connection before it counts as a slow consumer and is closed (4008). */
        @WithDefault("1024")
        int maxQueuedMessages();

        /** Bytes queued for one connection before it counts as a slow consumer and is closed (4008). */
        @WithDefault("1048576")
        long maxQueuedBytes();

        /**
         * How long a room holds a {@code message.created} that arrived ahead of a smaller seq before giving
         * up on the missing one and delivering anyway (the client fills a real gap with {@code ?after=}).
         * Publications race only by microseconds, so the wait ends long before this in practice.
         */
        @WithDefault("PT2S")
        Duration reorderWait();

        /**
         * A connection from which nothing arrived for this long, not even a pong to the server's auto-pings
         * ({@code quarkus.websockets-next.server.auto-ping-interval}), is dead and gets closed.
         */
        @WithDefault("PT90S")
        Duration silenceTimeout();
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
}
