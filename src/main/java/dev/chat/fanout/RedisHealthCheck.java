package dev.chat.fanout;

import dev.chat.common.ChatConfig;
import io.smallrye.health.api.Wellness;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * Redis in {@code /q/health} (and {@code /q/health/well}), never in readiness (API.md, Operations): while
 * Redis is down, this instance still serves its own users and commits every send; taking every instance out
 * of rotation would turn that degraded mode into an outage.
 */
@Wellness
@ApplicationScoped
public class RedisHealthCheck implements HealthCheck {

    private final ChatConfig config;
    private final Instance<RedisFanout> redis;

    RedisHealthCheck(ChatConfig config, Instance<RedisFanout> redis) {
        this.config = config;
        this.redis = redis;
    }

    @Override
    public HealthCheckResponse call() {
        if (config.fanout() != ChatConfig.FanoutMode.REDIS) {
            return HealthCheckResponse.named("redis-fanout")
                    .up()
                    .withData("fanout", "local")
                    .build();
        }
        return HealthCheckResponse.named("redis-fanout")
                .status(redis.get().connected())
                .withData("fanout", "redis")
                .build();
    }
}
