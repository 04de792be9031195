package dev.chat.common;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Both API documents are served, unauthenticated, where the README says. */
@QuarkusTest
class ApiDocumentsTest {

    @Test
    void shouldServeTheAsyncApiDocumentBesideTheOpenApiOne() {
        given().get("/asyncapi.yaml")
                .then()
                .statusCode(200)
                .body(containsString("asyncapi: 3.0.0"))
                .body(containsString("address: /ws"));
    }

    @Test
    void shouldGiveEveryOperationAnIdASummaryATagAndItsSecurity() {
        JsonPath doc = given().queryParam("format", "json")
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .body("openapi", equalTo("3.0.3"))
                .body("components.securitySchemes", hasKey("bearer"))
                .extract()
                .jsonPath();
        Map<String, Map<String, Map<String, Object>>> paths = doc.getMap("paths");
        paths.forEach((path, operations) -> operations.forEach((method, operation) -> {
            String where = method + " " + path;
            org.hamcrest.MatcherAssert.assertThat(where, operation.get("operationId"), notNullValue());
            org.hamcrest.MatcherAssert.assertThat(where, operation.get("summary"), notNullValue());
            org.hamcrest.MatcherAssert.assertThat(where, operation.get("tags"), notNullValue());
            org.hamcrest.MatcherAssert.assertThat(where, operation.get("security"), notNullValue());
            org.hamcrest.MatcherAssert.assertThat(where, (Map<?, ?>) operation.get("responses"), hasKey("429"));
        }));
        given().queryParam("format", "json")
                .get("/q/openapi")
                .then()
                .body("paths.'/api/auth/login'.post.security", equalTo(java.util.List.of()))
                .body("paths.'/api/rooms/{roomId}/messages'.post.security.bearer", everyItem(notNullValue()))
                .body(
                        "paths.'/api/rooms/{roomId}/messages'.post.responses.keySet()",
                        hasItems("200", "201", "400", "401", "404", "413", "415", "429"));
    }
}
