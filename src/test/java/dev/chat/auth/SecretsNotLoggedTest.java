package dev.chat.auth;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chat.support.Api;
import dev.chat.support.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 9: passwords and refresh tokens never reach the log, whatever the request: registration, good and bad
 * logins, a malformed body around a password, refresh and its re-use. Every record the application's loggers
 * see at any level is captured (message, parameters and stack traces) while the requests run.
 */
@QuarkusTest
class SecretsNotLoggedTest {

    private static final String SECRET_PASSWORD = "Pw-never-logged-7f3c9";

    /** REST Assured's HTTP client, which shares this JVM with the application under test. */
    private static final String TEST_CLIENT_LOGGER = "org.apache.http";

    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final Logger root = Logger.getLogger("");
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            String logger = String.valueOf(record.getLoggerName());
            if (logger.startsWith(TEST_CLIENT_LOGGER)) {
                return; // the test's own HTTP client logs what it sends on the wire at DEBUG
            }
            StringBuilder text = new StringBuilder(String.valueOf(record.getMessage()));
            if (record.getParameters() != null) {
                for (Object parameter : record.getParameters()) {
                    text.append(' ').append(parameter);
                }
            }
            if (record.getThrown() != null) {
                StringWriter trace = new StringWriter();
                record.getThrown().printStackTrace(new PrintWriter(trace));
                text.append(' ').append(trace);
            }
            logged.add(text.toString());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private Level rootLevel;

    @BeforeEach
    void captureEverything() {
        rootLevel = root.getLevel();
        root.setLevel(Level.FINE); // DEBUG everywhere: what an operator chasing a problem would switch on
        capture.setLevel(Level.ALL);
        root.addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        root.removeHandler(capture);
        root.setLevel(rootLevel);
    }

    @Test
    void shouldNeverLogAPasswordOrARefreshToken() {
        String name = Api.uniqueName("secret");
        TestUser session = Api.user(Api.register(name, SECRET_PASSWORD).statusCode(201));
        Api.register(name, SECRET_PASSWORD).statusCode(409);
        Api.login(name, SECRET_PASSWORD).statusCode(200);
        Api.login(name, SECRET_PASSWORD + "-wrong").statusCode(401);
        Api.login(Api.uniqueName("nobody"), SECRET_PASSWORD).statusCode(401);
        given().contentType(ContentType.JSON)
                .body("{\"username\":\"" + name + "\",\"password\":\"" + SECRET_PASSWORD + "\",")
                .post("/api/auth/login")
                .then()
                .statusCode(400);
        given().contentType(ContentType.JSON)
                .body("{\"username\":\"" + name + "\",\"password\":\"" + SECRET_PASSWORD + "\",\"password\":\"x\"}")
                .post("/api/auth/login")
                .then()
                .statusCode(400);
        Api.refresh(session.refreshToken()).statusCode(200);
        Api.refresh(session.refreshToken()).statusCode(401); // re-use: the family is revoked (and that is logged)

        Logger.getLogger("dev.chat.auth").fine("capture check");
        assertTrue(logged.contains("capture check"), "the capture sees the application's DEBUG records");
        for (String line : logged) {
            assertFalse(line.contains(SECRET_PASSWORD), "a password was logged: " + line);
            assertFalse(line.contains(session.refreshToken()), "a refresh token was logged: " + line);
        }
    }
}
