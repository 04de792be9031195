package dev.chat.limits;

import dev.chat.common.ChatConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.jboss.logging.Logger;

/**
 * In-process buckets, one {@link ConcurrentMap} entry per active key holding its "theoretical arrival
 * time" (GCRA: the moment the bucket is full again). {@code compute} makes check-and-take atomic per key.
 *
 * <p>Memory is bounded: a key whose bucket is full again carries no information and is dropped by a sweep
 * once the map holds {@code chat.limits.local-max-keys}; if live keys alone exceed the bound (a flood of
 * distinct keys), arbitrary ones are dropped too. Dropping a key only forgets that client's spent permits:
 * the limits get looser under such a flood, the memory does not grow.
 */
@ApplicationScoped
public class LocalRateLimiter implements RateLimiter {

    private static final Logger LOG = Logger.getLogger(LocalRateLimiter.class);

    private final ConcurrentMap<String, Long> fullAt = new ConcurrentHashMap<>();
    private final int maxKeys;
    private final LongSupplier clockMicros;
    private final AtomicLong lastOverflowWarning = new AtomicLong();

    @Inject
    LocalRateLimiter(ChatConfig config) {
        this(config.limits().localMaxKeys(), () -> System.nanoTime() / 1000);
    }

    LocalRateLimiter(int maxKeys, LongSupplier clockMicros) {
        this.maxKeys = maxKeys;
        this.clockMicros = clockMicros;
    }

    @Override
    public Uni<Long> acquire(String key, Rate rate) {
        return Uni.createFrom().item(tryAcquire(key, rate));
    }

    /** Synchronous: also the fallback of {@link RedisRateLimiter} when Redis does not answer. */
    long tryAcquire(String key, Rate rate) {
        long now = clockMicros.getAsLong();
        long[] waitMicros = {0};
        fullAt.compute(key, (k, stored) -> {
            long tat = stored == null ? now : Math.max(stored, now);
            long ahead = tat - now;
            if (ahead > rate.toleranceMicros()) {
                waitMicros[0] = ahead - rate.toleranceMicros();
                return stored;
            }
            return tat + rate.intervalMicros();
        });
        if (fullAt.size() > maxKeys) {
            sweep(now);
        }
        return (waitMicros[0] + 999) / 1000;
    }

    int size() {
        return fullAt.size();
    }

    private void sweep(long now) {
        fullAt.values().removeIf(tat -> tat <= now);
        int over = fullAt.size() - maxKeys * 9 / 10;
        if (over > 0) {
            long last = lastOverflowWarning.get();
            if (now - last > 60_000_000L && lastOverflowWarning.compareAndSet(last, now)) {
                LOG.warnf("Rate limiter holds more than %d live keys; forgetting %d of them", maxKeys, over);
            }
            Iterator<String> keys = fullAt.keySet().iterator();
            while (over-- > 0 && keys.hasNext()) {
                keys.next();
                keys.remove();
            }
        }
    }
}
