package dev.chat.common;

import static dev.chat.support.ProblemAssertions.assertProblem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chat.realtime.WsClient;
import dev.chat.support.Api;
import dev.chat.support.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Refusals that happen before the REST layer still answer in problem+json (API.md: every error): a WebSocket
 * upgrade without or with bad credentials (401) or past the per-user connection cap (429 with Retry-After), and
 * a chunked body, which declares no size, over the body limit (413, nothing stored).
 */
@QuarkusTest
class RefusalsOutsideRestTest {

    private static final HttpClient HTTP_1_1 =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TestHTTPResource("/")
    URI base;

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    Vertx vertx;

    private static RequestSpecification upgrade() {
        return given().header("Connection", "Upgrade")
                .header("Upgrade", "websocket")
                .header("Sec-WebSocket-Version", "13")
                .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
    }

    @Test
    void shouldAnswerAnUpgradeWithoutCredentialsWithAProblem() {
        assertUnauthorized(upgrade().get("/ws").then());
        assertUnauthorized(
                upgrade().header("Authorization", "Basic dTpw").get("/ws").then());
        assertUnauthorized(
                upgrade().header("Authorization", "Bearer ").get("/ws").then());
    }

    @Test
    void shouldAnswerAnUpgradeWithBadCredentialsWithAProblem() {
        assertUnauthorized(
                upgrade().header("Authorization", "Bearer not-a-jwt").get("/ws").then());
        assertUnauthorized(upgrade().queryParam("ticket", "bogus").get("/ws").then());
    }

    @Test
    void shouldAnswerAnUpgradePastTheConnectionCapWithAProblemAndRetryAfter() {
        TestUser user = Api.newUser();
        List<WsClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) { // API.md: default 10
                open.add(WsClient.ready(vertx, ws, user.accessToken()));
            }
            assertProblem(
                            upgrade()
                                    .header("Authorization", "Bearer " + user.accessToken())
                                    .get("/ws")
                                    .then(),
                            429)
                    .header("Retry-After", equalTo("5"));
        } finally {
            open.forEach(WsClient::close);
        }
    }

    @Test
    void shouldAnswerAChunkedBodyOverTheLimitWithAProblemAndStoreNothing() throws Exception {
        TestUser user = Api.newUser();
        String huge = "{\"displayName\":\"" + "x".repeat(70 * 1024) + "\"}";
        HttpResponse<String> refused = patchMeChunked(user, huge);
        assertEquals(413, refused.statusCode());
        assertTrue(refused.headers().firstValue("Content-Type").orElse("").startsWith(Problem.MEDIA_TYPE));
        assertEquals(413, new JsonObject(refused.body()).getInteger("status"));
        user.as().get("/api/users/me").then().statusCode(200).body("displayName", equalTo(user.username()));
    }

    @Test
    void shouldReadAChunkedBodyUnderTheLimitAsAnyOther() throws Exception {
        TestUser user = Api.newUser();
        HttpResponse<String> renamed = patchMeChunked(user, "{\"displayName\":\"Chunked\"}");
        assertEquals(200, renamed.statusCode(), renamed.body());
        assertEquals("Chunked", new JsonObject(renamed.body()).getString("displayName"));
    }

    /** A body of unknown length: the JDK client sends it chunked over HTTP/1.1. */
    private HttpResponse<String> patchMeChunked(TestUser user, String json) throws Exception {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/api/users/me"))
                .header("Authorization", "Bearer " + user.accessToken())
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes)))
                .build();
        return HTTP_1_1.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void assertUnauthorized(ValidatableResponse response) {
        assertProblem(response, 401).header("WWW-Authenticate", equalTo("Bearer"));
    }
}
