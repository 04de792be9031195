package dev.chat.limits;

import dev.chat.common.ChatConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Buckets in Redis, shared by every instance: one key per bucket holding its "full again" time, checked and
 * advanced by one Lua script (atomic in Redis) on Redis' own clock, so that instances with skewed clocks
 * still agree. The key expires when the bucket is full again, so Redis holds only active clients.
 *
 * <p>Fails open, locally: when Redis errs or does not answer within {@code chat.limits.redis-timeout}, the
 * permit is taken from the in-process {@link LocalRateLimiter} instead. A Redis outage therefore loosens the
 * limits to per-instance ones for its duration and never fails or stalls a request.
 */
@ApplicationScoped
public class RedisRateLimiter implements RateLimiter {

    private static final Logger LOG = Logger.getLogger(RedisRateLimiter.class);

    /**
     * GCRA. KEYS[1]: the bucket; ARGV[1]: microseconds per permit; ARGV[2]: burst tolerance in microseconds.
     * Returns 0 when a permit was taken, else the microseconds to wait. Times are stored with %.0f because
     * Lua's tostring would round microsecond timestamps to 14 significant digits.
     */
    static final String SCRIPT = """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
            local interval = tonumber(ARGV[1])
            local tolerance = tonumber(ARGV[2])
            local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
            if tat < now then tat = now end
            local ahead = tat - now
            if ahead > tolerance then
              return ahead - tolerance
            end
            local full = tat + interval
            redis.call('SET', KEYS[1], string.format('%.0f', full), 'PX', math.ceil((full - now) / 1000))
            return 0
            """;

    private static final String SHA = sha1(SCRIPT);

    private final ReactiveRedisDataSource redis;
    private final LocalRateLimiter fallback;
    private final String prefix;
    private final Duration timeout;
    private final AtomicLong lastWarning = new AtomicLong();

    @Inject
    RedisRateLimiter(ReactiveRedisDataSource redis, LocalRateLimiter fallback, ChatConfig config) {
        this(redis, fallback, config.limits().redisPrefix(), config.limits().redisTimeout());
    }

    /** Also for tests that play a second instance sharing the same Redis. */
    public RedisRateLimiter(ReactiveRedisDataSource redis, LocalRateLimiter fallback, String prefix, Duration timeout) {
        this.redis = redis;
        this.fallback = fallback;
        this.prefix = prefix;
        this.timeout = timeout;
    }

    @Override
    public Uni<Long> acquire(String key, Rate rate) {
        String redisKey = prefix + key;
        String interval = Long.toString(rate.intervalMicros());
        String tolerance = Long.toString(rate.toleranceMicros());
        // Back on the request's own (duplicated) context: what the caller chains next may open a Hibernate
        // Reactive session, which must stay on it, and the request scope lives there.
        Context caller = Vertx.currentContext();
        Uni<Long> waitMillis = redis.execute("EVALSHA", SHA, "1", redisKey, interval, tolerance)
                .onFailure(RedisRateLimiter::isNoScript)
                .recoverWithUni(() -> redis.execute("EVAL", SCRIPT, "1", redisKey, interval, tolerance))
                .ifNoItem()
                .after(timeout)
                .fail()
                .map(RedisRateLimiter::millis)
                .onFailure()
                .recoverWithItem(failure -> {
                    warn(failure);
                    return fallback.tryAcquire(key, rate);
                });
        return caller == null ? waitMillis : waitMillis.emitOn(task -> caller.runOnContext(ignored -> task.run()));
    }

    private static long millis(Response waitMicros) {
        return (waitMicros.toLong() + 999) / 1000;
    }

    private static boolean isNoScript(Throwable failure) {
        return failure.getMessage() != null && failure.getMessage().startsWith("NOSCRIPT");
    }

    /** At most one line a minute: an outage must not flood the log with one line per request. */
    private void warn(Throwable failure) {
        long now = System.currentTimeMillis();
        long last = lastWarning.get();
        if (now >= last + 60_000 && lastWarning.compareAndSet(last, now)) {
            LOG.warnf("Redis rate limiting unavailable (%s); limiting per instance until it answers", failure);
        }
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is part of every JRE", e);
        }
    }
}
