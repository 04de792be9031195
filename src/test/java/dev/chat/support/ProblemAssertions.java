package dev.chat.support;

import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.restassured.response.ValidatableResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Every error is RFC 9457 problem+json with the contract's fields.
 *
 * <p>The body is read once with Jackson rather than field by field with RestAssured's {@code body(path, ...)}:
 * each of those compiles a Groovy script (a new class), and the suite checks hundreds of refusals. RestAssured's
 * path assertions took about 270 of a test run's 3,275 JFR samples.
 */
public final class ProblemAssertions {

    private ProblemAssertions() {}

    public static ValidatableResponse assertProblem(ValidatableResponse response, int status) {
        problem(response, status);
        return response;
    }

    /** A 400 whose {@code errors} name the offending field. */
    public static ValidatableResponse assertInvalidField(ValidatableResponse response, String field) {
        JsonNode body = problem(response, 400);
        List<String> named = new ArrayList<>();
        body.path("errors").forEach(error -> named.add(Api.text(error.path("field"))));
        assertTrue(named.contains(field), () -> "errors name " + field + ": " + body);
        return response;
    }

    /** Checks the problem's status, type and fields; answers its body, parsed once. */
    private static JsonNode problem(ValidatableResponse response, int status) {
        response.statusCode(status).contentType(startsWith("application/problem+json"));
        JsonNode body = Api.json(response);
        assertTrue(body.path("status").isInt(), () -> "status is a number: " + body);
        assertEquals(status, body.path("status").intValue(), () -> "status in the body: " + body);
        for (String field : List.of("type", "title", "detail")) {
            assertTrue(Api.text(body.path(field)) != null, () -> field + " is present: " + body);
        }
        return body;
    }
}
