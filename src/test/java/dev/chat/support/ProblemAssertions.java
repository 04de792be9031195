package dev.chat.support;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import io.restassured.response.ValidatableResponse;

/** Every error is RFC 9457 problem+json with the contract's fields. */
public final class ProblemAssertions {

    private ProblemAssertions() {}

    public static ValidatableResponse assertProblem(ValidatableResponse response, int status) {
        return response.statusCode(status)
                .contentType(startsWith("application/problem+json"))
                .body("status", equalTo(status))
                .body("type", notNullValue())
                .body("title", notNullValue())
                .body("detail", notNullValue());
    }

    /** A 400 whose {@code errors} name the offending field. */
    public static ValidatableResponse assertInvalidField(ValidatableResponse response, String field) {
        return assertProblem(response, 400).body("errors.field", hasItem(field));
    }
}
