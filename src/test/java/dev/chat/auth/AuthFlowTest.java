package dev.chat.auth;

import static dev.chat.support.Api.PASSWORD;
import static dev.chat.support.Api.login;
import static dev.chat.support.Api.newUser;
import static dev.chat.support.Api.refresh;
import static dev.chat.support.Api.register;
import static dev.chat.support.Api.uniqueName;
import static dev.chat.support.ProblemAssertions.assertInvalidField;
import static dev.chat.support.ProblemAssertions.assertProblem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.chat.support.Api;
import dev.chat.support.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Register, login, refresh, logout and tickets over real HTTP. Black-box: {@link AuthFlowIT} runs it on the jar. */
@QuarkusTest
class AuthFlowTest {

    private static final String ISO_MILLIS = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";

    @Test
    void shouldRegisterWithLowerCasedUsernameAndDefaultDisplayName() {
        String name = uniqueName("Reg");
        String mixed = name.substring(0, 1).toUpperCase() + name.substring(1);
        register(mixed, PASSWORD)
                .statusCode(201)
                .contentType(ContentType.JSON)
                .body("user.username", equalTo(name))
                .body("user.displayName", equalTo(name))
                .body("user.id", matchesPattern("[0-9a-f-]{36}"))
                .body("user.createdAt", matchesPattern(ISO_MILLIS))
                .body("accessToken", notNullValue())
                .body("refreshToken", notNullValue())
                .body("expiresIn", equalTo(900));
    }

    @Test
    void shouldKeepTheGivenDisplayName() {
        given().contentType(ContentType.JSON)
                .body(Map.of("username", uniqueName("disp"), "password", PASSWORD, "displayName", "Ada L."))
                .post("/api/auth/register")
                .then()
                .statusCode(201)
                .body("user.displayName", equalTo("Ada L."));
    }

    @Test
    void shouldRejectATakenUsernameWhateverItsCase() {
        String name = uniqueName("dup");
        register(name, PASSWORD).statusCode(201);
        assertProblem(register(name.toUpperCase(), PASSWORD), 409);
    }

    @Test
    void whenTwoRegistrationsOfOneNameRaceExactlyOneWins() throws Exception {
        String name = uniqueName("race");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Integer>> attempts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                attempts.add(() -> register(name, PASSWORD).extract().statusCode());
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : pool.invokeAll(attempts)) {
                statuses.add(f.get());
            }
            assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
            assertEquals(3, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldRejectUsernamesOutsideTheContract() {
        for (String bad : new String[] {"ab", "a".repeat(33), "has space", "émile", "semi;colon"}) {
            assertInvalidField(register(bad, PASSWORD), "username");
        }
        register("abc" + uniqueName("").substring(0, 6), PASSWORD).statusCode(201);
    }

    @Test
    void shouldRejectPasswordsOutsideTheContract() {
        assertInvalidField(register(uniqueName("pw"), "1234567"), "password");
        assertInvalidField(register(uniqueName("pw"), "x".repeat(129)), "password");
        register(uniqueName("pw"), "x".repeat(128)).statusCode(201);
        register(uniqueName("pw"), "12345678").statusCode(201);
    }

    @Test
    void shouldRejectDisplayNamesOutsideTheContract() {
        for (String bad : new String[] {"", "   ", "d".repeat(65)}) {
            assertInvalidField(
                    given().contentType(ContentType.JSON)
                            .body(Map.of("username", uniqueName("dn"), "password", PASSWORD, "displayName", bad))
                            .post("/api/auth/register")
                            .then(),
                    "displayName");
        }
    }

    @Test
    void shouldNotCoerceANumberIntoAString() {
        String name = uniqueName("num");
        assertInvalidField(
                given().contentType(ContentType.JSON)
                        .body("{\"username\":\"" + name + "\",\"password\":12345678}")
                        .post("/api/auth/register")
                        .then(),
                "password");
        assertProblem(login(name, PASSWORD), 401); // nothing was stored
    }

    @Test
    void shouldLogInWithTheRightPassword() {
        TestUser user = newUser("login");
        login(user.username().toUpperCase(), PASSWORD)
                .statusCode(200)
                .body("user.id", equalTo(user.id()))
                .body("accessToken", notNullValue())
                .body("refreshToken", not(equalTo(user.refreshToken())));
    }

    @Test
    void shouldAnswerWrongPasswordAndUnknownUserAlike() {
        TestUser user = newUser("same401");
        var wrong = assertProblem(login(user.username(), "wrong password"), 401)
                .extract()
                .asString();
        var unknown = assertProblem(login(uniqueName("nobody"), PASSWORD), 401)
                .extract()
                .asString();
        assertEquals(wrong, unknown);
    }

    @Test
    void shouldRotateRefreshTokens() {
        TestUser user = newUser("rot");
        String next = refresh(user.refreshToken())
                .statusCode(200)
                .body("user.id", equalTo(user.id()))
                .extract()
                .path("refreshToken");
        assertProblem(refresh(user.refreshToken()), 401);
        refresh(Api.user(login(user.username(), PASSWORD)).refreshToken()).statusCode(200);
        // The re-use above revoked the family that `next` belongs to.
        assertProblem(refresh(next), 401);
    }

    @Test
    void whenARotatedTokenIsReusedTheWholeFamilyIsRevoked() {
        TestUser user = newUser("reuse");
        String second = refresh(user.refreshToken()).statusCode(200).extract().path("refreshToken");
        assertProblem(refresh(user.refreshToken()), 401); // re-use of the first
        assertProblem(refresh(second), 401); // its successor is revoked with the family
    }

    @Test
    void shouldRejectAnUnknownRefreshToken() {
        assertProblem(refresh("not-a-token"), 401);
        assertInvalidField(
                given().contentType(ContentType.JSON)
                        .body("{}")
                        .post("/api/auth/refresh")
                        .then(),
                "refreshToken");
    }

    @Test
    void shouldRevokeTheRefreshTokenOnLogout() {
        TestUser user = newUser("logout");
        user.as()
                .body(Map.of("refreshToken", user.refreshToken()))
                .post("/api/auth/logout")
                .then()
                .statusCode(204);
        assertProblem(refresh(user.refreshToken()), 401);
    }

    @Test
    void shouldNotLetOneUserLogAnotherOut() {
        TestUser victim = newUser("victim");
        TestUser other = newUser("other");
        other.as()
                .body(Map.of("refreshToken", victim.refreshToken()))
                .post("/api/auth/logout")
                .then()
                .statusCode(204);
        refresh(victim.refreshToken()).statusCode(200);
    }

    @Test
    void shouldRequireAnAccessTokenToLogOut() {
        TestUser user = newUser("logout401");
        assertProblem(
                given().contentType(ContentType.JSON)
                        .body(Map.of("refreshToken", user.refreshToken()))
                        .post("/api/auth/logout")
                        .then(),
                401);
        refresh(user.refreshToken()).statusCode(200);
    }

    @Test
    void shouldIssueAThirtySecondWebSocketTicket() {
        TestUser user = newUser("ticket");
        user.as()
                .post("/api/auth/ws-ticket")
                .then()
                .statusCode(200)
                .body("ticket", matchesPattern("[A-Za-z0-9_-]{43}"))
                .body("expiresIn", equalTo(30));
        assertProblem(given().post("/api/auth/ws-ticket").then(), 401);
    }
}
