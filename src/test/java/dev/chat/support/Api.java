package dev.chat.support;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** Talks to the running service over real HTTP, as a client would. Shared by the @QuarkusTest and *IT suites. */
public final class Api {

    public static final String PASSWORD = "correct horse";
    private static final AtomicLong COUNTER = new AtomicLong();

    private Api() {}

    /** A user registered through the API: its id, username and tokens. */
    public record Session(String id, String username, String accessToken, String refreshToken) {

        public RequestSpecification as() {
            return given().auth().oauth2(accessToken).contentType(ContentType.JSON);
        }
    }

    /** A username no other test of this run uses: tests share one database. */
    public static String uniqueName(String prefix) {
        return (prefix + "_" + Long.toString(System.nanoTime() % 1_000_000_000L, 36) + COUNTER.incrementAndGet())
                .toLowerCase();
    }

    public static ValidatableResponse register(String username, String password) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", password))
                .post("/api/auth/register")
                .then();
    }

    public static Session newUser(String prefix) {
        return session(register(uniqueName(prefix), PASSWORD).statusCode(201));
    }

    public static ValidatableResponse login(String username, String password) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("username", username, "password", password))
                .post("/api/auth/login")
                .then();
    }

    public static ValidatableResponse refresh(String refreshToken) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("refreshToken", refreshToken))
                .post("/api/auth/refresh")
                .then();
    }

    public static Session session(ValidatableResponse tokens) {
        var body = tokens.extract().jsonPath();
        return new Session(
                body.getString("user.id"),
                body.getString("user.username"),
                body.getString("accessToken"),
                body.getString("refreshToken"));
    }

    public static String randomId() {
        return UUID.randomUUID().toString();
    }
}
