package dev.chat.user;

import static dev.chat.support.Api.newUser;
import static dev.chat.support.Api.randomId;
import static dev.chat.support.Api.register;
import static dev.chat.support.Api.uniqueName;
import static dev.chat.support.ProblemAssertions.assertInvalidField;
import static dev.chat.support.ProblemAssertions.assertProblem;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import dev.chat.support.Api;
import dev.chat.support.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class UserResourceTest {

    @Test
    void shouldReturnTheCaller() {
        TestUser me = newUser("me");
        me.as()
                .get("/api/users/me")
                .then()
                .statusCode(200)
                .body("id", equalTo(me.id()))
                .body("username", equalTo(me.username()))
                .body("$", not(org.hamcrest.Matchers.hasKey("passwordHash")));
    }

    @Test
    void shouldChangeTheDisplayName() {
        TestUser me = newUser("rename");
        me.as()
                .body(Map.of("displayName", "Grace Hopper"))
                .patch("/api/users/me")
                .then()
                .statusCode(200)
                .body("displayName", equalTo("Grace Hopper"));
        me.as().get("/api/users/me").then().body("displayName", equalTo("Grace Hopper"));
    }

    @Test
    void shouldRejectAnInvalidDisplayNameAndKeepTheOldOne() {
        TestUser me = newUser("badname");
        assertInvalidField(
                me.as().body(Map.of("displayName", "")).patch("/api/users/me").then(), "displayName");
        assertInvalidField(
                me.as()
                        .body(Map.of("displayName", "x".repeat(65)))
                        .patch("/api/users/me")
                        .then(),
                "displayName");
        assertInvalidField(
                me.as().body("{\"displayName\":42}").patch("/api/users/me").then(), "displayName");
        assertInvalidField(me.as().body("{}").patch("/api/users/me").then(), "displayName");
        me.as().get("/api/users/me").then().body("displayName", equalTo(me.username()));
    }

    @Test
    void shouldShowAnotherUserWithPresence() {
        TestUser me = newUser("viewer");
        TestUser other = newUser("viewed");
        me.as()
                .get("/api/users/" + other.id())
                .then()
                .statusCode(200)
                .body("id", equalTo(other.id()))
                .body("username", equalTo(other.username()))
                .body("online", equalTo(false))
                .body("lastSeenAt", nullValue());
    }

    @Test
    void shouldAnswer404ForAnUnknownUserAnd400ForAMalformedId() {
        TestUser me = newUser("lookup");
        assertProblem(me.as().get("/api/users/" + randomId()).then(), 404);
        assertInvalidField(me.as().get("/api/users/not-a-uuid").then(), "userId");
    }

    @Test
    void shouldSearchByUsernamePrefixIgnoringCase() {
        TestUser me = newUser("searcher");
        String prefix = uniqueName("zq");
        register(prefix + "_one", Api.PASSWORD).statusCode(201);
        register(prefix + "_two", Api.PASSWORD).statusCode(201);
        me.as()
                .queryParam("query", prefix.toUpperCase())
                .get("/api/users")
                .then()
                .statusCode(200)
                .body("items.username", contains(prefix + "_one", prefix + "_two"));
        me.as()
                .queryParam("query", prefix)
                .queryParam("limit", 1)
                .get("/api/users")
                .then()
                .body("items", hasSize(1));
    }

    @Test
    void shouldSearchByDisplayNamePrefix() {
        TestUser me = newUser("dsearch");
        TestUser target = newUser("dtarget");
        String display = "Zebulon " + uniqueName("x");
        target.as()
                .body(Map.of("displayName", display))
                .patch("/api/users/me")
                .then()
                .statusCode(200);
        me.as()
                .queryParam("query", display.substring(0, 12).toLowerCase())
                .get("/api/users")
                .then()
                .body("items.id", hasItem(target.id()));
    }

    @Test
    void shouldTreatLikeWildcardsLiterally() {
        TestUser me = newUser("wild");
        me.as()
                .queryParam("query", "%")
                .get("/api/users")
                .then()
                .statusCode(200)
                .body("items", empty());
        me.as()
                .queryParam("query", "_")
                .get("/api/users")
                .then()
                .statusCode(200)
                .body("items", empty());
    }

    @Test
    void shouldValidateSearchParameters() {
        TestUser me = newUser("params");
        assertInvalidField(me.as().get("/api/users").then(), "query");
        for (String limit : new String[] {"0", "101", "-1", "ten", "1.5"}) {
            assertInvalidField(
                    me.as()
                            .queryParam("query", "a")
                            .queryParam("limit", limit)
                            .get("/api/users")
                            .then(),
                    "limit");
        }
        me.as()
                .queryParam("query", "a")
                .queryParam("limit", 100)
                .get("/api/users")
                .then()
                .statusCode(200);
    }

    @Test
    void shouldRequireAuthentication() {
        assertProblem(io.restassured.RestAssured.given().get("/api/users/me").then(), 401);
        assertProblem(
                io.restassured.RestAssured.given()
                        .queryParam("query", "a")
                        .get("/api/users")
                        .then(),
                401);
        assertProblem(
                io.restassured.RestAssured.given()
                        .get("/api/users/" + randomId())
                        .then(),
                401);
    }
}
