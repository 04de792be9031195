package dev.chat.limits;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chat.support.Api;
import dev.chat.support.ExternalServices;
import dev.chat.support.FromAddress;
import dev.chat.support.TestUser;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * chat.fanout=redis, on a redis-server of this test's own that is not running when the service starts
 * ({@link DeliberateLimits}): first the service is ready without it and neither fails nor hangs a request, the
 * limits holding per instance (fail open, locally); then the test starts that server and the same limits are
 * kept in it, shared by every instance. In that order ({@link Order}). Needs redis-server on the PATH: without
 * it these tests fail, they do not skip.
 */
@QuarkusTest
@TestProfile(DeliberateLimits.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisLimitsTest {

    @ConfigProperty(name = "quarkus.redis.hosts")
    URI hosts;

    @Inject
    ReactiveRedisDataSource redis;

    private static ExternalServices.Redis server;

    @AfterAll
    static void stopRedis() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    @Order(1)
    void withoutRedisTheServiceIsReady() {
        given().get("/q/health/ready").then().statusCode(200).body("status", is("UP"));
    }

    @Test
    @Order(2)
    void withoutRedisTheLimitsHoldLocallyAndNoRequestWaitsForIt() {
        long start = System.nanoTime();
        LimitScenarios.sendsPerUser(DeliberateLimits.SEND_BURST);
        long perRequestMillis = (System.nanoTime() - start) / 1_000_000 / (DeliberateLimits.SEND_BURST + 6);
        // A request that waited for Redis would take its timeout (2 s here): an unanswered connection attempt
        // must not be waited for, when nothing listens it fails at once.
        assertTrue(perRequestMillis < 1000, "requests must not wait for Redis: " + perRequestMillis + " ms each");
    }

    /** Every test from here on runs with the server up: started by the first of them. */
    @BeforeEach
    void redisOnceTheOutageTestsAreDone(TestInfo test) {
        Order order = test.getTestMethod().orElseThrow().getAnnotation(Order.class);
        if (order.value() > 2 && server == null) {
            ExternalServices.require();
            server = new ExternalServices.Redis(hosts.getPort()).start();
            // The service's own client (this one) reconnects on its next command; once it answers, no limit
            // falls back to local counting for want of a connection.
            assertEquals(
                    "PONG",
                    redis.execute("PING").await().atMost(Duration.ofSeconds(10)).toString());
        }
    }

    @Test
    @Order(3)
    void whenAHundredWrongPasswordsArriveAtOnceOnlyTheLimitIsHashedAndTheOwnerStillLogsInFromElsewhere()
            throws Exception {
        LimitScenarios.parallelGuessesThenOwnerFromAnotherAddress(DeliberateLimits.LOGIN_BURST);
    }

    @Test
    @Order(4)
    void shouldLimitSendsPerUser() {
        LimitScenarios.sendsPerUser(DeliberateLimits.SEND_BURST);
    }

    @Test
    @Order(5)
    void shouldShareBucketsAcrossInstancesThroughRedis() {
        assertEquals(
                "PONG",
                redis.execute("PING").await().atMost(Duration.ofSeconds(5)).toString());
        TestUser me = Api.user(FromAddress.from(FromAddress.fresh())
                .body(Map.of("username", Api.uniqueName("shared"), "password", Api.PASSWORD))
                .post("/api/auth/register")
                .then()
                .statusCode(201));
        me.as().body(Map.of("name", "one")).post("/api/rooms").then().statusCode(201);
        String key = "room:" + me.id();
        assertEquals(
                1L,
                redis.execute("EXISTS", DeliberateLimits.REDIS_PREFIX + key)
                        .await()
                        .atMost(Duration.ofSeconds(5))
                        .toLong(),
                "the bucket lives in Redis under the configured prefix");

        // A second instance: its own (empty) memory, the same Redis. It sees the permit this one took.
        Rate rooms = Rate.parse("1/1h burst " + DeliberateLimits.ROOM_BURST);
        RedisRateLimiter other = new RedisRateLimiter(
                redis,
                new LocalRateLimiter(1000, () -> System.nanoTime() / 1000),
                DeliberateLimits.REDIS_PREFIX,
                Duration.ofSeconds(2));
        assertEquals(0L, other.acquire(key, rooms).await().atMost(Duration.ofSeconds(5)));
        long wait = other.acquire(key, rooms).await().atMost(Duration.ofSeconds(5));
        assertTrue(wait > 0, "the burst of 2 was spent by the two instances together");
        LimitsTest.assertLimited(
                me.as().body(Map.of("name", "three")).post("/api/rooms").then());
    }

    @Test
    @Order(6)
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
                redis,
                new LocalRateLimiter(1000, () -> System.nanoTime() / 1000),
                DeliberateLimits.REDIS_PREFIX,
                Duration.ofSeconds(5));
    }
}
