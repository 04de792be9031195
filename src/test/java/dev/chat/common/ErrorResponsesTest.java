package dev.chat.common;

import static dev.chat.support.Api.newUser;
import static dev.chat.support.ProblemAssertions.assertInvalidField;
import static dev.chat.support.ProblemAssertions.assertProblem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

import dev.chat.support.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

/** Errors raised outside the resources (routing, content negotiation, size limits) are problem+json too. */
@QuarkusTest
class ErrorResponsesTest {

    @Test
    void shouldAnswerAnUnknownRouteWithProblemJson() {
        assertProblem(given().get("/no/such/route").then(), 404).body(not(containsString("<html")));
        assertProblem(given().accept("text/html").get("/api/nope").then(), 404);
    }

    @Test
    void shouldAnswerAWrongMethodWith405() {
        assertProblem(given().get("/api/auth/login").then(), 405);
        assertProblem(given().delete("/api/users/me").then(), 405);
    }

    @Test
    void shouldAnswerAWrongContentTypeWith415() {
        assertProblem(
                given().contentType(ContentType.TEXT)
                        .body("username=x")
                        .post("/api/auth/login")
                        .then(),
                415);
    }

    @Test
    void shouldAnswerANulCharacterWith400AndStoreNothing() {
        TestUser me = newUser("nul");
        assertInvalidField(
                me.as()
                        .body("{\"displayName\":\"a\\u0000b\"}")
                        .patch("/api/users/me")
                        .then(),
                "displayName");
        assertProblem(me.as().queryParam("query", "a\u0000").get("/api/users").then(), 400);
        me.as().get("/api/users/me").then().body("displayName", org.hamcrest.Matchers.equalTo(me.username()));
    }

    @Test
    void shouldAnswerMalformedJsonWith400() {
        assertProblem(
                given().contentType(ContentType.JSON)
                        .body("{\"username\":")
                        .post("/api/auth/login")
                        .then(),
                400);
        assertProblem(
                given().contentType(ContentType.JSON)
                        .body("[1,2]")
                        .post("/api/auth/login")
                        .then(),
                400);
        assertProblem(
                given().contentType(ContentType.JSON)
                        .body("{} trailing")
                        .post("/api/auth/login")
                        .then(),
                400);
    }

    @Test
    void shouldAnswerAnOversizedBodyWith413() {
        TestUser me = newUser("big");
        String big = "{\"displayName\":\"" + "x".repeat(70 * 1024) + "\"}";
        assertProblem(me.as().body(big).patch("/api/users/me").then(), 413);
    }

    @Test
    void shouldAcceptABodyJustUnderTheLimit() {
        // 64 KiB is the limit for the whole body; a body near it is parsed (and here rejected on its field).
        String body = "{\"username\":\"" + "x".repeat(60 * 1024) + "\",\"password\":\"p\"}";
        assertProblem(
                given().contentType(ContentType.JSON)
                        .body(body)
                        .post("/api/auth/login")
                        .then(),
                400);
    }
}
