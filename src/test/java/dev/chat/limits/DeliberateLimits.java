package dev.chat.limits;

import dev.chat.support.Instance;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The one test profile besides the default: what would get in the way of the rest of the suite.
 *
 * <ul>
 *   <li>Limits at values a test can exhaust in a few requests and that do not refill during the test (one permit
 *       an hour), so that counts are exact on a loaded machine; the production rates are checked in
 *       {@link RateTest}. Registrations are per address, and each test registers from an address of its own
 *       ({@code FromAddress.fresh()}).
 *   <li>chat.fanout=redis, on a redis-server that {@link RedisLimitsTest} starts: none runs when the service
 *       starts, so until then every limit counts in-process (the fallback, the same limiter as chat.fanout=local).
 *       {@link LimitsTest}'s counts hold either way.
 *   <li>A lock timeout of 1 s and a pool wait of 2 s, which {@code DatabaseTimeoutsTest} times (production: 3 s
 *       and 5 s, set the same way): long enough to tell a timeout from an instant refusal, and for
 *       {@link LimitsTest}'s 100 parallel logins to queue for 20 connections, short enough not to idle the suite.
 *       The default test profile waits longer for locks, for {@code GroupCommitTest}'s queues.
 * </ul>
 *
 * Each profile is a Quarkus build and start of its own (seconds each, and a fresh embedded PostgreSQL), hence
 * one for all three rather than one each, run in a test JVM of its own ({@code DeliberateLimitsSuite}).
 */
public class DeliberateLimits implements QuarkusTestProfile {

    static final int LOGIN_BURST = 10;
    static final int REGISTER_BURST = 3;
    static final int SEND_BURST = 5;
    static final int TYPING_BURST = 3;
    static final int RECEIPT_BURST = 4;
    static final int ROOM_BURST = 2;

    /** quarkus.datasource.reactive.additional-properties.lock_timeout. */
    public static final Duration LOCK_TIMEOUT = Duration.ofSeconds(1);

    /** chat.database.pool-wait-timeout. */
    public static final Duration POOL_WAIT = Duration.ofSeconds(2);

    /** The embedded database's: the default profile's, in the other test JVM, has the port the build reserved. */
    private static final int DATABASE_PORT = Instance.freePort();

    /** Redis keys of this run, apart from any other's. */
    static final String REDIS_PREFIX = "chat-test:" + UUID.randomUUID() + ":";

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>();
        config.put("chat.limits.login", "1/1h burst " + LOGIN_BURST);
        config.put("chat.limits.register", "1/1h burst " + REGISTER_BURST);
        config.put("chat.limits.send", "1/1h burst " + SEND_BURST);
        config.put("chat.limits.typing", "1/1h burst " + TYPING_BURST);
        config.put("chat.limits.receipts", "1/1h burst " + RECEIPT_BURST);
        config.put("chat.limits.room-creation", "1/1h burst " + ROOM_BURST);
        config.put("chat.fanout", "redis");
        config.put("chat.limits.redis-prefix", REDIS_PREFIX);
        // A loaded build machine answering 100 parallel logins can take longer than production's 250 ms;
        // a timeout would fall back to local counting and make the counts in Redis inexact.
        config.put("chat.limits.redis-timeout", "PT2S");
        config.put("quarkus.datasource.reactive.additional-properties.lock_timeout", lockTimeoutSetting());
        config.put("chat.database.pool-wait-timeout", POOL_WAIT.toString());
        config.put("quarkus.embedded.postgresql.port", String.valueOf(DATABASE_PORT));
        return config;
    }

    /** {@link #LOCK_TIMEOUT} as the PostgreSQL setting is written, and as {@code SHOW lock_timeout} answers. */
    public static String lockTimeoutSetting() {
        return LOCK_TIMEOUT.toSeconds() + "s";
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(UnstartedRedis.class));
    }

    /** A free port for quarkus.redis.hosts, once per Quarkus start, with no server on it yet. */
    public static class UnstartedRedis implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of("quarkus.redis.hosts", "redis://127.0.0.1:" + Instance.freePort());
        }

        @Override
        public void stop() {}
    }
}
