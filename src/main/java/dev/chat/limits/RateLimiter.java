package dev.chat.limits;

import io.smallrye.mutiny.Uni;

/**
 * Takes one permit from the bucket {@code key} of a {@link Rate}, atomically: of N concurrent callers on a
 * bucket with k permits left exactly k pass, wherever they run. Two implementations, chosen by
 * {@code chat.fanout} like the rest of the cross-instance state: {@link LocalRateLimiter} (one instance) and
 * {@link RedisRateLimiter} (shared by every instance).
 */
public interface RateLimiter {

    /** 0 when the permit was taken; otherwise the milliseconds until the next one is available. */
    Uni<Long> acquire(String key, Rate rate);
}
