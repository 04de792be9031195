package dev.chat.support;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.UUID;

/** A user registered through the API ({@link Api#newUser}), as a client holds it: its id, name and tokens. */
public record TestUser(String id, String username, String accessToken, String refreshToken) {

    /** A JSON request with this user's access token. */
    public RequestSpecification as() {
        return given().auth().oauth2(accessToken).contentType(ContentType.JSON);
    }

    /** The id as a UUID, for events and SQL of a test's own making. */
    public UUID uuid() {
        return UUID.fromString(id);
    }

    /** The same user holding another access token (one a test minted: short-lived, say). */
    public TestUser withAccessToken(String token) {
        return new TestUser(id, username, token, refreshToken);
    }
}
