package dev.chat.limits;

import static dev.chat.support.Api.PASSWORD;
import static dev.chat.support.Api.uniqueName;
import static dev.chat.support.FromAddress.from;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.chat.support.Api;
import dev.chat.support.FromAddress;
import dev.chat.support.TestUser;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The scenarios both limiter implementations must pass, in-process and in Redis. */
final class LimitScenarios {

    private LimitScenarios() {}

    /**
     * Issue 9's report: 100 parallel wrong passwords all got 401 (counted after the hash), then the owner's
     * correct password got 429. Now exactly the burst is hashed and answered 401, the rest 429 with
     * Retry-After, and the owner, from another address, is let in.
     */
    static void parallelGuessesThenOwnerFromAnotherAddress(int burst) throws Exception {
        String owner = FromAddress.fresh();
        String username = uniqueName("victim");
        Api.user(from(owner)
                .body(Map.of("username", username, "password", PASSWORD))
                .post("/api/auth/register")
                .then()
                .statusCode(201));
        String attacker = FromAddress.fresh();
        ExecutorService pool = Executors.newFixedThreadPool(25);
        List<Integer> statuses = new ArrayList<>();
        try {
            List<Callable<Integer>> guesses = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String guess = "wrong password " + i;
                guesses.add(() -> {
                    var response = from(attacker)
                            .body(Map.of("username", username.toUpperCase(), "password", guess))
                            .post("/api/auth/login")
                            .then();
                    int status = response.extract().statusCode();
                    if (status == 429) {
                        LimitsTest.assertLimited(response);
                    }
                    return status;
                });
            }
            for (Future<Integer> f : pool.invokeAll(guesses)) {
                statuses.add(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(burst, statuses.stream().filter(s -> s == 401).count(), statuses.toString());
        assertEquals(100 - burst, statuses.stream().filter(s -> s == 429).count(), statuses.toString());
        // The attacker's address is locked out even with the right password; the owner's is not.
        LimitsTest.assertLimited(from(attacker)
                .body(Map.of("username", username, "password", PASSWORD))
                .post("/api/auth/login")
                .then());
        from(owner)
                .body(Map.of("username", username, "password", PASSWORD))
                .post("/api/auth/login")
                .then()
                .statusCode(200);
    }

    /** A user's burst of sends passes, the next is refused, and another user's sends are not affected. */
    static void sendsPerUser(int burst) {
        TestUser me = Api.user(register());
        TestUser other = Api.user(register());
        String room = me.as()
                .body(Map.of("name", "sends", "memberIds", List.of(other.id())))
                .post("/api/rooms")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        for (int i = 0; i < burst; i++) {
            me.as()
                    .body(Map.of("body", "m" + i))
                    .post("/api/rooms/{roomId}/messages", room)
                    .then()
                    .statusCode(201);
        }
        LimitsTest.assertLimited(me.as()
                .body(Map.of("body", "one too many"))
                .post("/api/rooms/{roomId}/messages", room)
                .then());
        other.as()
                .body(Map.of("body", "mine"))
                .post("/api/rooms/{roomId}/messages", room)
                .then()
                .statusCode(201);
        // The refused message was not stored.
        me.as()
                .get("/api/rooms/{roomId}", room)
                .then()
                .statusCode(200)
                .body("lastSeq", org.hamcrest.Matchers.is(burst + 1));
    }

    private static io.restassured.response.ValidatableResponse register() {
        return from(FromAddress.fresh())
                .body(Map.of("username", uniqueName("snd"), "password", PASSWORD))
                .post("/api/auth/register")
                .then()
                .statusCode(201);
    }
}
