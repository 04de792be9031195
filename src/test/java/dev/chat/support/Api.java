package dev.chat.support;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** Talks to the running service over real HTTP, as a client would. Shared by the @QuarkusTest and *IT suites. */
public final class Api {

    public static final String PASSWORD = "correct horse";
    private static final AtomicLong COUNTER = new AtomicLong();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The fixtures' client ({@link #fixture}): kept-alive connections, HTTP/1.1 as the API's clients speak it. */
    private static final HttpClient FIXTURES =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

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
        return user(fixture(
                "POST", "/api/auth/register", null, Map.of("username", uniqueName(prefix), "password", PASSWORD), 201));
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
        return user(json(tokens));
    }

    private static TestUser user(JsonNode body) {
        return new TestUser(
                text(body.path("user").path("id")),
                text(body.path("user").path("username")),
                text(body.path("accessToken")),
                text(body.path("refreshToken")));
    }

    /** A one-time ticket for the WebSocket upgrade (?ticket=), minted with the user's access token. */
    public static String wsTicket(TestUser user) {
        return text(fixture("POST", "/api/auth/ws-ticket", user.accessToken(), null, 200)
                .path("ticket"));
    }

    /**
     * A request that a test needs made, but whose exchange it does not examine, only what comes back (a user, a
     * room's id, a message's seq, a ticket): its JSON answer, which must have {@code status}. Fixtures are half of
     * the suite's ~5,200 requests, so they skip RestAssured, which builds each request through Groovy at a cost in
     * the test JVM above the service's own: through RestAssured, {@code ./mvnw verify} took 81.8 s against 74.7 s
     * (medians of 3 alternating runs). The black-box suite checks these answers against /q/openapi as it checks
     * RestAssured's ({@link OpenApiValidation#check}).
     */
    static JsonNode fixture(String method, String path, String accessToken, Object body, int status) {
        URI uri = restAssuredUri(path);
        try {
            String json = body == null ? null : JSON.writeValueAsString(body);
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    // until the answer's headers: a service that never answers fails the test, not the whole build
                    .timeout(Duration.ofSeconds(30))
                    .header("Accept", "*/*") // as RestAssured sends it
                    .method(
                            method,
                            json == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(json));
            String authorization = accessToken == null ? null : "Bearer " + accessToken;
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            if (json != null) {
                request.header("Content-Type", "application/json");
            }
            HttpResponse<String> answer = FIXTURES.send(request.build(), HttpResponse.BodyHandlers.ofString());
            OpenApiValidation.check(method, uri, authorization, json, answer);
            if (answer.statusCode() != status) {
                throw new AssertionError(method + " " + path + " " + json + " answered " + answer.statusCode()
                        + ", not " + status + ": " + answer.body());
            }
            return JSON.readTree(answer.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Where RestAssured would send {@code path}: Quarkus sets its base URI, port and base path for each start. */
    private static URI restAssuredUri(String path) {
        String basePath = RestAssured.basePath.replaceAll("^/+|/+$", "");
        return URI.create(RestAssured.baseURI.replaceAll("/+$", "") + ":" + RestAssured.port
                + (basePath.isEmpty() ? "" : "/" + basePath) + path);
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
