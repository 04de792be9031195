package dev.chat.auth;

import static dev.chat.support.Api.newUser;
import static dev.chat.support.Api.refresh;
import static dev.chat.support.ProblemAssertions.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chat.common.ChatConfig;
import dev.chat.support.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Sessions (refresh-token families): serialized per family, revoked as a whole, ended at an absolute
 * lifetime, purged when dead; and an access token of a deleted user is refused.
 */
@QuarkusTest
class SessionTest {

    private static final int ROUNDS = 15;

    @Inject
    Pool pool;

    @Inject
    TokenPurge purge;

    @Inject
    ChatConfig config;

    /**
     * The race from issue 9: a thief re-uses an old token while the owner refreshes the current one. Without
     * the family lock the revocation could miss the token the refresh was minting, which then stayed live.
     * Whatever the interleaving, nothing of the family may work afterwards.
     */
    @Test
    void whenAReuseRacesARefreshTheTokenMintedMeanwhileIsRevokedToo() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                TestUser user = newUser("race");
                String stolen = user.refreshToken();
                String current = refresh(stolen).statusCode(200).extract().path("refreshToken");
                CyclicBarrier start = new CyclicBarrier(2);
                Future<String> owner = threads.submit(() -> {
                    start.await();
                    var answer = refresh(current).extract();
                    return answer.statusCode() == 200 ? answer.path("refreshToken") : null;
                });
                Future<Integer> thief = threads.submit(() -> {
                    start.await();
                    return refresh(stolen).extract().statusCode();
                });
                assertEquals(401, thief.get());
                String minted = owner.get();
                if (minted != null) {
                    assertProblem(refresh(minted), 401);
                }
                assertProblem(refresh(current), 401);
                assertEquals(0, liveTokens(user.id()), "round " + round);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void whenLogoutRacesARefreshNothingOfTheSessionSurvives() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                TestUser user = newUser("out");
                CyclicBarrier start = new CyclicBarrier(2);
                Future<String> refresher = threads.submit(() -> {
                    start.await();
                    var answer = refresh(user.refreshToken()).extract();
                    return answer.statusCode() == 200 ? answer.path("refreshToken") : null;
                });
                Future<Integer> logout = threads.submit(() -> {
                    start.await();
                    return user.as()
                            .body(Map.of("refreshToken", user.refreshToken()))
                            .post("/api/auth/logout")
                            .then()
                            .extract()
                            .statusCode();
                });
                assertEquals(204, logout.get());
                String minted = refresher.get();
                if (minted != null) {
                    assertProblem(refresh(minted), 401);
                }
                assertEquals(0, liveTokens(user.id()), "round " + round);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void whenTheSessionOutlivesItsAbsoluteLifetimeRefreshIsRefused() {
        TestUser user = newUser("old");
        String next = refresh(user.refreshToken()).statusCode(200).extract().path("refreshToken");
        run("UPDATE token_families SET expires_at = now() - interval '1 second' WHERE user_id = $1", user.id());
        assertProblem(refresh(next), 401);
    }

    @Test
    void shouldNeverIssueARefreshTokenOutlivingItsSession() {
        TestUser user = newUser("cap");
        run("UPDATE token_families SET expires_at = now() + interval '1 hour' WHERE user_id = $1", user.id());
        refresh(user.refreshToken()).statusCode(200);
        Row newest = rows(
                        "SELECT t.expires_at <= f.expires_at FROM refresh_tokens t JOIN token_families f"
                                + " ON f.id = t.family_id WHERE t.user_id = $1 ORDER BY t.created_at DESC LIMIT 1",
                        user.id())
                .get(0);
        assertTrue(newest.getBoolean(0));
    }

    @Test
    void shouldPurgeExpiredTokensAndDeadSessionsOnly() {
        TestUser live = newUser("live");
        TestUser revoked = newUser("revoked");
        TestUser expired = newUser("expired");
        TestUser rotated = newUser("rotated");
        revoked.as()
                .body(Map.of("refreshToken", revoked.refreshToken()))
                .post("/api/auth/logout")
                .then()
                .statusCode(204);
        run("UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE user_id = $1", expired.id());
        String current =
                refresh(rotated.refreshToken()).statusCode(200).extract().path("refreshToken");

        purge.purge().await().atMost(Duration.ofSeconds(30));

        assertEquals(1, tokens(live.id()));
        assertEquals(0, tokens(revoked.id()));
        assertEquals(
                0,
                rows("SELECT 1 FROM token_families WHERE user_id = $1", revoked.id())
                        .size());
        assertEquals(0, tokens(expired.id()));
        // A rotated token that has not expired stays: presenting it again is how a theft is detected.
        assertEquals(2, tokens(rotated.id()));
        refresh(live.refreshToken()).statusCode(200);
        assertProblem(refresh(rotated.refreshToken()), 401);
        assertProblem(refresh(current), 401); // the re-use above revoked the family
    }

    @Test
    void whenTheUserIsDeletedTheirAccessTokenIsRefused() throws InterruptedException {
        TestUser gone = newUser("gone");
        TestUser other = newUser("other");
        gone.as().get("/api/users/me").then().statusCode(200);
        run("DELETE FROM users WHERE id = $1", gone.id());
        // An instance remembers a user found to exist for chat.auth.active-user-ttl: refused within it.
        long deadline =
                System.nanoTime() + config.auth().activeUserTtl().plusSeconds(1).toNanos();
        while (gone.as().get("/api/users/me").statusCode() != 401 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertProblem(gone.as().get("/api/users/me").then(), 401);
        assertProblem(gone.as().get("/api/users/{id}", other.id()).then(), 401);
        assertProblem(gone.as().body(Map.of("name", "ghost")).post("/api/rooms").then(), 401);
        assertProblem(gone.as().post("/api/auth/ws-ticket").then(), 401);
        assertProblem(refresh(gone.refreshToken()), 401);
        other.as().get("/api/users/me").then().statusCode(200);
    }

    private long liveTokens(String userId) {
        return rows(
                        "SELECT count(*) FROM refresh_tokens t JOIN token_families f ON f.id = t.family_id"
                                + " WHERE t.user_id = $1 AND t.revoked_at IS NULL AND t.rotated_at IS NULL"
                                + " AND f.revoked_at IS NULL AND t.expires_at > now()",
                        userId)
                .get(0)
                .getLong(0);
    }

    private int tokens(String userId) {
        return rows("SELECT 1 FROM refresh_tokens WHERE user_id = $1", userId).size();
    }

    private void run(String sql, String userId) {
        rows(sql, userId);
    }

    private List<Row> rows(String sql, String userId) {
        List<Row> out = new ArrayList<>();
        pool.preparedQuery(sql)
                .execute(Tuple.of(UUID.fromString(userId)))
                .await()
                .atMost(Duration.ofSeconds(10))
                .forEach(out::add);
        return out;
    }
}
