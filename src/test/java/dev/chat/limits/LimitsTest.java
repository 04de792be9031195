package dev.chat.limits;

import static dev.chat.support.Api.PASSWORD;
import static dev.chat.support.Api.uniqueName;
import static dev.chat.support.FromAddress.from;
import static dev.chat.support.ProblemAssertions.assertProblem;
import static org.hamcrest.Matchers.matchesPattern;

import dev.chat.support.Api;
import dev.chat.support.FromAddress;
import dev.chat.support.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Every limit answers 429 problem+json with Retry-After once its bucket is empty, and one client's empty bucket
 * is nobody else's. Counted in-process while the profile's Redis is not running (see {@link DeliberateLimits}),
 * in Redis once {@link RedisLimitsTest} has started it: the same counts either way.
 */
@QuarkusTest
@TestProfile(DeliberateLimits.class)
class LimitsTest {

    @Test
    void whenAHundredWrongPasswordsArriveAtOnceOnlyTheLimitIsHashedAndTheOwnerStillLogsInFromElsewhere()
            throws Exception {
        LimitScenarios.parallelGuessesThenOwnerFromAnotherAddress(DeliberateLimits.LOGIN_BURST);
    }

    @Test
    void shouldLimitRegistrationsPerAddress() {
        String address = FromAddress.fresh();
        for (int i = 0; i < DeliberateLimits.REGISTER_BURST; i++) {
            register(address).statusCode(201);
        }
        assertLimited(register(address));
        register(FromAddress.fresh()).statusCode(201); // another address is not affected
    }

    @Test
    void shouldLimitSendsPerUser() {
        LimitScenarios.sendsPerUser(DeliberateLimits.SEND_BURST);
    }

    @Test
    void shouldLimitTypingPerUser() {
        TestUser me = newUser();
        String room = room(me);
        exhaust(
                DeliberateLimits.TYPING_BURST,
                204,
                () -> me.as()
                        .body(Map.of("typing", true))
                        .post("/api/rooms/{roomId}/typing", room)
                        .then());
    }

    @Test
    void shouldLimitReceiptsPerUser() {
        TestUser me = newUser();
        String room = room(me);
        exhaust(
                DeliberateLimits.RECEIPT_BURST,
                204,
                () -> me.as()
                        .body(Map.of("type", "read", "seq", 0))
                        .post("/api/rooms/{roomId}/receipts", room)
                        .then());
    }

    @Test
    void shouldLimitRoomCreationPerUser() {
        TestUser me = newUser();
        TestUser other = newUser();
        for (int i = 0; i < DeliberateLimits.ROOM_BURST; i++) {
            room(me);
        }
        assertLimited(
                me.as().body(Map.of("name", "one too many")).post("/api/rooms").then());
        assertLimited(me.as()
                .body(Map.of("userId", other.id()))
                .post("/api/rooms/direct")
                .then());
        me.as().get("/api/rooms").then().statusCode(200); // reading is not limited
        room(other);
    }

    /** {@code burst} calls pass, the next one is refused. */
    private static void exhaust(int burst, int passed, Supplier<ValidatableResponse> call) {
        for (int i = 0; i < burst; i++) {
            call.get().statusCode(passed);
        }
        assertLimited(call.get());
    }

    static ValidatableResponse assertLimited(ValidatableResponse response) {
        return assertProblem(response, 429).header("Retry-After", matchesPattern("[1-9][0-9]*"));
    }

    private static ValidatableResponse register(String address) {
        return from(address)
                .body(Map.of("username", uniqueName("lim"), "password", PASSWORD))
                .post("/api/auth/register")
                .then();
    }

    private static TestUser newUser() {
        return Api.user(register(FromAddress.fresh()).statusCode(201));
    }

    private static String room(TestUser owner) {
        return owner.as()
                .body(Map.of("name", "limited"))
                .post("/api/rooms")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
    }
}
