package dev.chat.auth;

import static dev.chat.support.Api.newUser;
import static dev.chat.support.ProblemAssertions.assertProblem;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.chat.support.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Access tokens are verified, not trusted: only unexpired RS256 tokens from our issuer, signed by our key.
 * The test JVM shares the service's (generated) test signing key, so it can mint tokens with chosen flaws.
 */
@QuarkusTest
class AccessTokenTest {

    private static final String ISSUER = "chat-service";

    @Test
    void shouldAcceptAFreshToken() {
        TestUser user = newUser("jwtok");
        given().auth()
                .oauth2(token(user.id(), ISSUER, Instant.now().plusSeconds(60)))
                .get("/api/users/me")
                .then()
                .statusCode(200)
                .body("id", equalTo(user.id()));
    }

    @Test
    void shouldRejectAMissingToken() {
        assertProblem(given().get("/api/users/me").then(), 401).header("WWW-Authenticate", "Bearer");
    }

    @Test
    void shouldRejectAnExpiredToken() {
        TestUser user = newUser("jwtexp");
        String expired = Jwt.issuer(ISSUER)
                .subject(user.id())
                .groups(Set.of("user"))
                .issuedAt(Instant.now().minusSeconds(3600))
                .expiresAt(Instant.now().minusSeconds(1800))
                .sign();
        assertProblem(given().auth().oauth2(expired).get("/api/users/me").then(), 401);
    }

    @Test
    void shouldRejectATokenThatExpiredSecondsAgo() {
        TestUser user = newUser("jwtjust");
        String expired = Jwt.issuer(ISSUER)
                .subject(user.id())
                .groups(Set.of("user"))
                .issuedAt(Instant.now().minusSeconds(60))
                .expiresAt(Instant.now().minusSeconds(5))
                .sign();
        assertProblem(given().auth().oauth2(expired).get("/api/users/me").then(), 401);
    }

    @Test
    void shouldRejectATamperedToken() {
        TestUser user = newUser("jwttamper");
        TestUser other = newUser("jwtother");
        String[] parts = user.accessToken().split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1])).replace(user.id(), other.id());
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes())
                + "." + parts[2];
        assertProblem(given().auth().oauth2(forged).get("/api/users/me").then(), 401);
    }

    @Test
    void shouldRejectATokenFromAnotherIssuer() {
        TestUser user = newUser("jwtiss");
        assertProblem(
                given().auth()
                        .oauth2(token(user.id(), "someone-else", Instant.now().plusSeconds(60)))
                        .get("/api/users/me")
                        .then(),
                401);
    }

    @Test
    void shouldRejectATokenSignedByAnotherKey() throws Exception {
        TestUser user = newUser("jwtkey");
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024); // the tests' own size (DevKeysConfigSource): the key differs, not its size
        String foreign = Jwt.issuer(ISSUER)
                .subject(user.id())
                .expiresAt(Instant.now().plusSeconds(60))
                .sign(generator.generateKeyPair().getPrivate());
        assertProblem(given().auth().oauth2(foreign).get("/api/users/me").then(), 401);
    }

    @Test
    void shouldRejectAnUnsignedToken() {
        TestUser user = newUser("jwtnone");
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes());
        String body = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(("{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + user.id() + "\",\"exp\":"
                                + (Instant.now().getEpochSecond() + 60) + "}")
                        .getBytes());
        assertProblem(
                given().auth()
                        .oauth2(header + "." + body + ".")
                        .get("/api/users/me")
                        .then(),
                401);
    }

    @Test
    void shouldRejectGarbage() {
        assertProblem(given().auth().oauth2("not.a.jwt").get("/api/users/me").then(), 401);
    }

    private static String token(String userId, String issuer, Instant expiresAt) {
        return Jwt.issuer(issuer)
                .subject(userId)
                .groups(Set.of("user"))
                .expiresAt(expiresAt)
                .sign();
    }
}
