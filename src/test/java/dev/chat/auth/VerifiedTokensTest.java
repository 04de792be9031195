package dev.chat.auth;

import static dev.chat.support.Api.newUser;
import static dev.chat.support.ProblemAssertions.assertProblem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chat.support.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A verified token is remembered ({@link VerifiedTokens}), and the memory changes nothing about what is
 * accepted: a remembered token ends at its {@code exp}, and only its exact text is remembered. (That it does
 * not outlive its user: SessionTest.whenTheUserIsDeletedTheirAccessTokenIsRefused, whose token is remembered.)
 */
@QuarkusTest
class VerifiedTokensTest {

    @Inject
    VerifiedTokens tokens;

    @Test
    void shouldRefuseARememberedTokenOnceItExpires() throws InterruptedException {
        TestUser user = newUser("vtexp");
        // exp is in whole seconds: 0.6 to 1.6 s ahead, far more than the two requests below take
        Instant exp = Instant.ofEpochSecond(Instant.now().plusMillis(1600).getEpochSecond());
        String token = token(user.id(), exp);
        me(token).statusCode(200).body("id", equalTo(user.id()));
        int remembered = tokens.size();
        me(token).statusCode(200).body("id", equalTo(user.id())); // from memory now
        assertTrue(remembered >= 1, "the verified token is remembered");
        // A fresh parse accepts it up to mp.jwt.verify.clock.skew (1 s) past exp; after that only a memory kept
        // too long could still let it in.
        Thread.sleep(Math.max(0, exp.toEpochMilli() - System.currentTimeMillis()) + 1_100);
        assertProblem(me(token), 401);
    }

    @Test
    void shouldRefuseAnAlteredCopyOfARememberedToken() {
        TestUser user = newUser("vtalt");
        String token = token(user.id(), Instant.now().plusSeconds(60));
        me(token).statusCode(200);
        // the same header and claims with a different signature: not the remembered text, verified afresh
        char last = token.charAt(token.length() - 2);
        String altered =
                token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1);
        assertProblem(me(altered), 401);
        me(token).statusCode(200);
    }

    private static io.restassured.response.ValidatableResponse me(String token) {
        return given().auth().oauth2(token).get("/api/users/me").then();
    }

    private static String token(String userId, Instant expiresAt) {
        return Jwt.issuer("chat-service")
                .subject(userId)
                .groups(Set.of("user"))
                .expiresAt(expiresAt)
                .sign();
    }
}
