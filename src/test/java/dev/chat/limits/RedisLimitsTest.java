package dev.chat.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chat.support.Api;
import dev.chat.support.FromAddress;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * chat.fanout=redis: the same limits, kept in the machine's Redis (127.0.0.1:6379) under a key prefix of this
 * run's own, so concurrent builds do not meet. Needs that Redis: without it these tests fail, they do not skip
 * (the limiter would fall back to local limits, and {@link #shouldShareBucketsAcrossInstancesThroughRedis}
 * finds no key).
 */
@QuarkusTest
@TestProfile(RedisLimitsTest.InRedis.class)
class RedisLimitsTest {

    static final String PREFIX = "chat-test:" + UUID.randomUUID() + ":";

    public static class InRedis implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(new DeliberateLimits().getConfigOverrides());
            config.put("chat.fanout", "redis");
            config.put("quarkus.redis.hosts", "redis://127.0.0.1:6379");
            config.put("chat.limits.redis-prefix", PREFIX);
            // A loaded build machine answering 100 parallel logins can take longer than production's 250 ms;
            // a timeout would fall back to local counting and make the counts here inexact.
            config.put("chat.limits.redis-timeout", "PT2S");
            return config;
        }
    }

    @Inject
    ReactiveRedisDataSource redis;

    @Test
    void whenAHundredWrongPasswordsArriveAtOnceOnlyTheLimitIsHashedAndTheOwnerStillLogsInFromElsewhere()
            throws Exception {
        LimitScenarios.parallelGuessesThenOwnerFromAnotherAddress(DeliberateLimits.LOGIN_BURST);
    }

    @Test
    void shouldLimitSendsPerUser() {
        LimitScenarios.sendsPerUser(DeliberateLimits.SEND_BURST);
    }

    @Test
    void shouldShareBucketsAcrossInstancesThroughRedis() {
        assertEquals(
                "PONG",
                redis.execute("PING").await().atMost(Duration.ofSeconds(5)).toString());
        Api.Session me = Api.session(FromAddress.from(FromAddress.fresh())
                .body(Map.of("username", Api.uniqueName("shared"), "password", Api.PASSWORD))
                .post("/api/auth/register")
                .then()
                .statusCode(201));
        me.as().body(Map.of("name", "one")).post("/api/rooms").then().statusCode(201);
        String key = "room:" + me.id();
        assertEquals(
                1L,
                redis.execute("EXISTS", PREFIX + key)
                        .await()
                        .atMost(Duration.ofSeconds(5))
                        .toLong(),
                "the bucket lives in Redis under the configured prefix");

        // A second instance: its own (empty) memory, the same Redis. It sees the permit this one took.
        Rate rooms = Rate.parse("1/1h burst " + DeliberateLimits.ROOM_BURST);
        RedisRateLimiter other = new RedisRateLimiter(
                redis, new LocalRateLimiter(1000, () -> System.nanoTime() / 1000), PREFIX, Duration.ofSeconds(2));
        assertEquals(0L, other.acquire(key, rooms).await().atMost(Duration.ofSeconds(5)));
        long wait = other.acquire(key, rooms).await().atMost(Duration.ofSeconds(5));
        assertTrue(wait > 0, "the burst of 2 was spent by the two instances together");
        LimitsTest.assertLimited(
                me.as().body(Map.of("name", "three")).post("/api/rooms").then());
    }

    @Test
    void shouldLetExactlyTheBurstThroughWhenInstancesRace() throws Exception {
        Rate rate = Rate.parse("1/1h burst 7");
        String key = "race:" + UUID.randomUUID();
        List<RedisRateLimiter> instances = List.of(instance(), instance(), instance());
        var attempts = new java.util.ArrayList<io.smallrye.mutiny.Uni<Long>>();
        for (int i = 0; i < 60; i++) {
            attempts.add(instances.get(i % 3).acquire(key, rate));
        }
        List<?> waits = io.smallrye.mutiny.Uni.join()
                .all(attempts)
                .andFailFast()
                .await()
                .atMost(Duration.ofSeconds(10));
        assertEquals(7, waits.stream().filter(w -> ((Long) w) == 0L).count(), waits.toString());
    }

    private RedisRateLimiter instance() {
        return new RedisRateLimiter(
                redis, new LocalRateLimiter(1000, () -> System.nanoTime() / 1000), PREFIX, Duration.ofSeconds(5));
    }
}
