package dev.chat.common;

import static dev.chat.support.Api.PASSWORD;
import static dev.chat.support.Api.newUser;
import static dev.chat.support.Api.uniqueName;
import static dev.chat.support.ProblemAssertions.assertInvalidField;
import static dev.chat.support.ProblemAssertions.assertProblem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.chat.support.Api;
import dev.chat.support.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Names that look blank are 400s everywhere a name is chosen; case folding ignores the JVM's locale. */
@QuarkusTest
class InputHygieneTest {

    /** The examples and their kin; each one alone, and padded with ordinary spaces. */
    private static final List<String> BLANK = List.of(
            "\u200B", "\u3000", "\u2800", "\u3164", "\u00A0\u2060", "\uFEFF", " \u200B\u200D ", "\u115F", "\u0301");

    @Test
    void whenADisplayNameIsBlankAfterUnicodeStrippingRegisterAnswers400() {
        for (String name : BLANK) {
            String username = uniqueName("blank");
            assertInvalidField(
                    given().contentType(ContentType.JSON)
                            .body(Map.of("username", username, "password", PASSWORD, "displayName", name))
                            .post("/api/auth/register")
                            .then(),
                    "displayName");
            assertProblem(Api.login(username, PASSWORD), 401); // nothing was stored
        }
    }

    @Test
    void whenADisplayNameIsBlankAfterUnicodeStrippingProfileUpdateAnswers400() {
        TestUser me = newUser("blankme");
        for (String name : BLANK) {
            assertInvalidField(
                    me.as()
                            .body(Map.of("displayName", name))
                            .patch("/api/users/me")
                            .then(),
                    "displayName");
        }
        assertInvalidField(
                me.as()
                        .body(Map.of("displayName", "a\u0007b"))
                        .patch("/api/users/me")
                        .then(),
                "displayName");
        me.as().get("/api/users/me").then().body("displayName", equalTo(me.username()));
    }

    @Test
    void shouldStoreNamesWithoutTheirInvisibleEdges() {
        TestUser me = newUser("edges");
        me.as()
                .body(Map.of("displayName", "\u200B Ada \u3000"))
                .patch("/api/users/me")
                .then()
                .statusCode(200)
                .body("displayName", equalTo("Ada"));
        me.as()
                .body(Map.of("name", "\u2800 Team \u200B"))
                .post("/api/rooms")
                .then()
                .statusCode(201)
                .body("name", equalTo("Team"));
    }

    @Test
    void whenARoomNameIsBlankAfterUnicodeStrippingCreateAndRenameAnswer400() {
        TestUser me = newUser("blankroom");
        String room = me.as()
                .body(Map.of("name", "visible"))
                .post("/api/rooms")
                .then()
                .statusCode(201)
                .extract()
                .path("id");
        for (String name : BLANK) {
            assertInvalidField(
                    me.as().body(Map.of("name", name)).post("/api/rooms").then(), "name");
            assertInvalidField(
                    me.as()
                            .body(Map.of("name", name))
                            .patch("/api/rooms/{id}", room)
                            .then(),
                    "name");
        }
        me.as().get("/api/rooms/{id}", room).then().body("name", equalTo("visible"));
        me.as().get("/api/rooms").then().body("items.size()", equalTo(1));
    }

    /** Under a Turkish default locale "I".toLowerCase() is "ı" (dotless): INGRID would not be ingrid. */
    @Test
    void shouldLowerCaseUsernamesTheSameUnderATurkishLocale() {
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("tr-TR"));
        try {
            String name = "ingrid" + uniqueName("").replace("_", "");
            Api.register(name.toUpperCase(Locale.ROOT), PASSWORD)
                    .statusCode(201)
                    .body("user.username", equalTo(name));
            Api.login(name.toUpperCase(Locale.ROOT), PASSWORD).statusCode(200);
            Api.login(name, PASSWORD).statusCode(200);
        } finally {
            Locale.setDefault(before);
        }
    }
}
