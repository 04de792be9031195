package dev.chat.limits;

import static dev.chat.support.FromAddress.from;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chat.support.Api;
import dev.chat.support.FromAddress;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * chat.fanout=redis with no Redis at the configured address (a closed port): the service starts, stays
 * ready, and requests neither fail nor hang; the limits hold per instance instead (fail open, locally).
 */
@QuarkusTest
@TestProfile(RedisOutageTest.NoRedis.class)
class RedisOutageTest {

    public static class NoRedis implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(new DeliberateLimits().getConfigOverrides());
            config.put("chat.fanout", "redis");
            config.put("quarkus.redis.hosts", "redis://127.0.0.1:1");
            return config;
        }
    }

    @Test
    void shouldStayReadyWithoutRedis() {
        given().get("/q/health/ready").then().statusCode(200).body("status", is("UP"));
    }

    @Test
    void shouldFallBackToLocalLimitsWhenRedisIsAway() {
        Api.Session me = Api.session(from(FromAddress.fresh())
                .body(Map.of("username", Api.uniqueName("noredis"), "password", Api.PASSWORD))
                .post("/api/auth/register")
                .then()
                .statusCode(201));
        String room = me.as()
                .body(Map.of("name", "no redis"))
                .post("/api/rooms")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        long start = System.nanoTime();
        for (int i = 0; i < DeliberateLimits.SEND_BURST; i++) {
            me.as()
                    .body(Map.of("body", "m" + i))
                    .post("/api/rooms/{roomId}/messages", room)
                    .then()
                    .statusCode(201);
        }
        LimitsTest.assertLimited(me.as()
                .body(Map.of("body", "over"))
                .post("/api/rooms/{roomId}/messages", room)
                .then());
        long perRequestMillis = (System.nanoTime() - start) / 1_000_000 / (DeliberateLimits.SEND_BURST + 1);
        assertTrue(perRequestMillis < 2000, "requests must not wait for Redis: " + perRequestMillis + " ms each");
    }
}
