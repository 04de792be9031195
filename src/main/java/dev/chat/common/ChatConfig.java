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
}
