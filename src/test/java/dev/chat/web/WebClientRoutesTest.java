package dev.chat.web;

import static dev.chat.support.ProblemAssertions.assertProblem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The browser client is served at its own paths, with its security headers; every other path keeps its 404. */
@QuarkusTest
class WebClientRoutesTest {

    /** Marks the client's page, whichever path served it. */
    private static final String PAGE_MARKER = "<main id=\"app\"";

    @Test
    void shouldServeThePageAtTheRoot() {
        assertPage(given().get("/").then());
    }

    @Test
    void shouldServeThePageForARoomDeepLink() {
        assertPage(given().get("/rooms/" + UUID.randomUUID()).then());
        assertPage(given().accept("text/html").get("/rooms/not-even-a-uuid").then());
    }

    @Test
    void shouldKeepProblemJson404ForUnknownApiAndOperationsPaths() {
        assertProblem(given().get("/api/nope").then(), 404);
        assertProblem(given().accept("text/html").get("/api/nope").then(), 404);
        assertProblem(given().get("/q/nope").then(), 404);
        assertProblem(given().get("/rooms/a/b").then(), 404);
        assertProblem(given().get("/assets/nope.js").then(), 404);
    }

    @Test
    void shouldServeScriptsAsJavaScriptWithTheSameHeaders() {
        given().get("/assets/js/main.js")
                .then()
                .statusCode(200)
                .contentType(containsString("javascript"))
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", WebClientRoutes.CONTENT_SECURITY_POLICY);
    }

    @Test
    void shouldForbidInlineScriptsAndFraming() {
        String csp = given().get("/").then().extract().header("Content-Security-Policy");
        org.junit.jupiter.api.Assertions.assertAll(
                () -> org.hamcrest.MatcherAssert.assertThat(csp, containsString("script-src 'self'")),
                () -> org.hamcrest.MatcherAssert.assertThat(csp, not(containsString("unsafe-inline"))),
                () -> org.hamcrest.MatcherAssert.assertThat(csp, containsString("frame-ancestors 'none'")));
        // The page needs no inline script or style attribute: everything it runs comes from /assets/.
        given().get("/")
                .then()
                .body(not(containsString("<script>")))
                .body(not(containsString("style=")))
                .body(containsString("<script type=\"module\" src=\"/assets/js/main.js\">"));
    }

    @Test
    void shouldLeaveTheApiWithoutThePagesHeaders() {
        // Every response gets the global frame-ancestors (SecurityHeaders); the page's policy is the page's.
        given().get("/q/health/live")
                .then()
                .statusCode(200)
                .header("Content-Security-Policy", equalTo("frame-ancestors 'none'"));
    }

    private static void assertPage(ValidatableResponse response) {
        response.statusCode(200)
                .contentType(startsWith("text/html"))
                .body(containsString(PAGE_MARKER))
                .header("Content-Security-Policy", equalTo(WebClientRoutes.CONTENT_SECURITY_POLICY))
                .header("X-Content-Type-Options", "nosniff")
                .header("X-Frame-Options", "DENY")
                .header("Referrer-Policy", "no-referrer")
                .header("Cache-Control", "no-cache");
    }
}
