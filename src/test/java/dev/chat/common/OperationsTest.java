package dev.chat.common;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.chat.support.Api;
import dev.chat.support.RoomApi;
import dev.chat.support.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The operations endpoints of API.md, unauthenticated, as Kubernetes and Prometheus call them. */
@QuarkusTest
class OperationsTest {

    @Test
    void shouldReportLiveness() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void shouldReportReadinessIncludingPostgres() {
        given().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem(containsString("Reactive PostgreSQL")));
    }

    @Test
    void shouldExposePrometheusMetrics() {
        given().get("/q/metrics").then().statusCode(200).body(containsString("jvm_memory_used_bytes"));
    }

    @Test
    void shouldCountSentMessages() {
        TestUser sender = Api.newUser();
        double before = sentSoFar();
        RoomApi.send(sender, RoomApi.group(sender), "counted");
        org.junit.jupiter.api.Assertions.assertEquals(before + 1, sentSoFar());
    }

    private static double sentSoFar() {
        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines()
                .filter(l -> l.startsWith("chat_messages_sent_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElse(0);
    }

    @Test
    void shouldPublishTheOpenApiDocument() {
        given().queryParam("format", "json")
                .get("/q/openapi")
                .then()
                .statusCode(200)
                .body("paths", org.hamcrest.Matchers.hasKey("/api/auth/register"));
    }
}
