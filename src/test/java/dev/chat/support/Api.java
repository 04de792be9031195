package dev.chat.support;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** Talks to the running service over real HTTP, as a client would. Shared by the @QuarkusTest and *IT suites. */
public final class Api {

    public static final String PASSWORD = "correct horse";
    private static final AtomicLong COUNTER = new AtomicLong();
    private static final ObjectMapper JSON = new ObjectMapper();

    private Api() {}

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

    /** A new user with a unique name, registered through the API. */
    public static TestUser newUser() {
        return newUser("u");
    }

    /** A new user whose unique name starts with {@code prefix} (which a test may search for). */
    public static TestUser newUser(String prefix) {
        return user(register(uniqueName(prefix), PASSWORD).statusCode(201));
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

    /** The user of a register, login or refresh answer, holding its tokens. */
    public static TestUser user(ValidatableResponse tokens) {
        JsonNode body = json(tokens);
        return new TestUser(
                text(body.path("user").path("id")),
                text(body.path("user").path("username")),
                text(body.path("accessToken")),
                text(body.path("refreshToken")));
    }

    /** A one-time ticket for the WebSocket upgrade (?ticket=), minted with the user's access token. */
    public static String wsTicket(TestUser user) {
        return text(json(user.as().post("/api/auth/ws-ticket").then().statusCode(200))
                .path("ticket"));
    }

    /**
     * The answer's body as a tree, for the helpers that every test calls: RestAssured's JsonPath evaluates each
     * path as a Groovy expression, which made a registration cost ~25 ms more in the test JVM than in the service.
     */
    public static JsonNode json(ValidatableResponse response) {
        try {
            return JSON.readTree(response.extract().asByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A text field's value, or null when it is missing or null (as JsonPath's getString). */
    public static String text(JsonNode node) {
        return node.isMissingNode() || node.isNull() ? null : node.asText();
    }

    public static String randomId() {
        return UUID.randomUUID().toString();
    }
}
