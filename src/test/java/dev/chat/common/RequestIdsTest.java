package dev.chat.common;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** Every REST answer carries the request's id, the one a proxy sent when it is well-formed. */
@QuarkusTest
class RequestIdsTest {

    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    @Test
    void shouldKeepTheIdTheCallerSent() {
        given().header(RequestIds.HEADER, "ingress-42.a")
                .get("/api/users/me")
                .then()
                .statusCode(401)
                .header(RequestIds.HEADER, equalTo("ingress-42.a"));
    }

    @Test
    void shouldGiveEachRequestWithoutOneAFreshId() {
        String first = given().get("/api/users/me")
                .then()
                .header(RequestIds.HEADER, matchesPattern(UUID))
                .extract()
                .header(RequestIds.HEADER);
        String second = given().get("/api/users/me").then().extract().header(RequestIds.HEADER);
        assertNotEquals(first, second);
    }

    @Test
    void shouldReplaceAMalformedId() {
        given().header(RequestIds.HEADER, "no spaces or <tags>, please")
                .get("/api/users/me")
                .then()
                .header(RequestIds.HEADER, matchesPattern(UUID));
    }
}
