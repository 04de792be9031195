package dev.chat.common;

import static dev.chat.support.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chat.limits.DeliberateLimits;
import dev.chat.support.Api;
import dev.chat.support.FromAddress;
import dev.chat.support.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The timeouts are set on purpose and answered 503 problem+json with Retry-After, quickly: a request stuck
 * behind a lock, or waiting for a pool connection that does not come, is not a 500 and not a hang. Under
 * {@link DeliberateLimits}, the profile whose lock timeout and pool wait are short on purpose (its users register
 * from addresses of their own, as its registration limit requires).
 */
@QuarkusTest
@TestProfile(DeliberateLimits.class)
class DatabaseTimeoutsTest {

    private static final Duration LOCK_TIMEOUT = DeliberateLimits.LOCK_TIMEOUT;
    private static final Duration POOL_WAIT = DeliberateLimits.POOL_WAIT;
    private static final int POOL_SIZE = 20;

    @Inject
    Pool pool;

    @Test
    void shouldOpenEveryPoolConnectionWithTheServerSideTimeouts() {
        SqlConnection connection = pool.getConnection().await().atMost(Duration.ofSeconds(10));
        try {
            assertEquals("1min", show(connection, "statement_timeout")); // %test; 10s in production
            assertEquals(DeliberateLimits.lockTimeoutSetting(), show(connection, "lock_timeout")); // 3s in production
            assertEquals("30s", show(connection, "idle_in_transaction_session_timeout"));
        } finally {
            connection.closeAndAwait();
        }
    }

    @Test
    void whenARowStaysLockedTheRequestGets503AfterTheLockTimeout() {
        TestUser me = newUser("locked");
        SqlConnection holder = pool.getConnection().await().atMost(Duration.ofSeconds(10));
        Transaction tx = holder.begin().await().atMost(Duration.ofSeconds(10));
        try {
            holder.preparedQuery("SELECT id FROM users WHERE id = $1 FOR UPDATE")
                    .execute(Tuple.of(UUID.fromString(me.id())))
                    .await()
                    .atMost(Duration.ofSeconds(10));
            long start = System.nanoTime();
            assertProblem(
                            me.as()
                                    .body(Map.of("displayName", "blocked"))
                                    .patch("/api/users/me")
                                    .then(),
                            503)
                    .header("Retry-After", "1");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(LOCK_TIMEOUT.plusSeconds(3)) < 0, "took " + took);
        } finally {
            tx.rollback().await().atMost(Duration.ofSeconds(10));
            holder.closeAndAwait();
        }
        me.as()
                .get("/api/users/me")
                .then()
                .statusCode(200)
                .body("displayName", org.hamcrest.Matchers.is(me.username()));
    }

    @Test
    void whenThePoolIsExhaustedTheRequestGets503AfterThePoolWait() {
        TestUser me = newUser("starved");
        List<SqlConnection> held = new ArrayList<>();
        try {
            for (int i = 0; i < POOL_SIZE; i++) {
                held.add(pool.getConnection().await().atMost(Duration.ofSeconds(10)));
            }
            long start = System.nanoTime();
            assertProblem(me.as().get("/api/users/me").then(), 503);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(took.compareTo(POOL_WAIT.plusSeconds(3)) < 0, "took " + took);
        } finally {
            held.forEach(SqlConnection::closeAndAwait);
        }
        me.as().get("/api/users/me").then().statusCode(200);
    }

    private static TestUser newUser(String prefix) {
        return Api.user(FromAddress.from(FromAddress.fresh())
                .body(Map.of("username", Api.uniqueName(prefix), "password", Api.PASSWORD))
                .post("/api/auth/register")
                .then()
                .statusCode(201));
    }

    private static String show(SqlConnection connection, String setting) {
        return connection
                .query("SHOW " + setting)
                .execute()
                .await()
                .atMost(Duration.ofSeconds(10))
                .iterator()
                .next()
                .getString(0);
    }
}
