package dev.chat.common;

import static dev.chat.support.Api.newUser;
import static dev.chat.support.Api.uniqueName;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chat.support.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Issue 9 item 8: headers on every response, no banner, no compression on /ws, no password in any log line. */
@QuarkusTest
class SecurityHeadersTest {

    @TestHTTPResource("/")
    URI root;

    @Test
    void shouldSendTheSecurityHeadersOnEveryKindOfResponse() {
        TestUser me = newUser("hdr");
        List<ValidatableResponse> responses = List.of(
                me.as().get("/api/users/me").then().statusCode(200),
                given().get("/api/users/me").then().statusCode(401),
                given().get("/no/such/route").then().statusCode(404),
                given().get("/api/auth/login").then().statusCode(405),
                me.as().body("{\"displayName\":").patch("/api/users/me").then().statusCode(400),
                me.as()
                        .body("{\"displayName\":\"" + "x".repeat(70 * 1024) + "\"}")
                        .patch("/api/users/me")
                        .then()
                        .statusCode(413),
                given().get("/q/health/ready").then().statusCode(200),
                given().get("/ws").then().statusCode(401));
        for (ValidatableResponse response : responses) {
            response.header("X-Content-Type-Options", equalTo("nosniff"))
                    .header("Content-Security-Policy", equalTo("frame-ancestors 'none'"))
                    .header("Referrer-Policy", equalTo("no-referrer"))
                    .header("Server", nullValue())
                    .header("X-Powered-By", nullValue());
        }
    }

    /** The client offers permessage-deflate; the server accepts the upgrade without it. */
    @Test
    void shouldNotNegotiatePerMessageCompressionOnTheWebSocket() throws Exception {
        TestUser me = newUser("ws");
        try (Socket socket = new Socket(root.getHost(), root.getPort())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                            + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
                            + "Authorization: Bearer " + me.accessToken() + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            String status = in.readLine();
            List<String> headers = new ArrayList<>();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                headers.add(line.toLowerCase());
            }
            assertTrue(status.startsWith("HTTP/1.1 101"), status);
            assertFalse(headers.stream().anyMatch(h -> h.startsWith("sec-websocket-extensions")), headers.toString());
        }
    }

    @Test
    void shouldNeverLogAPassword() {
        String secret = "s3cret-" + uniqueName("pw");
        List<String> logged = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record.getMessage() + " " + java.util.Arrays.toString(record.getParameters()) + " "
                        + (record.getThrown() != null ? stack(record.getThrown()) : ""));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        capture.setLevel(Level.ALL);
        Logger rootLogger = Logger.getLogger("");
        rootLogger.addHandler(capture);
        try {
            String name = uniqueName("pwlog");
            post("/api/auth/register", Map.of("username", name, "password", secret))
                    .statusCode(201);
            post("/api/auth/login", Map.of("username", name, "password", secret + "x"))
                    .statusCode(401);
            post("/api/auth/login", Map.of("username", name, "password", secret))
                    .statusCode(200);
            // Failures that carry the password in the body: bad JSON around it, a repeated key, a wrong type.
            given().contentType(ContentType.JSON)
                    .body("{\"username\":\"" + name + "\",\"password\":\"" + secret + "\"")
                    .post("/api/auth/login")
                    .then()
                    .statusCode(400);
            given().contentType(ContentType.JSON)
                    .body("{\"username\":\"" + name + "\",\"password\":\"" + secret + "\",\"password\":\"" + secret
                            + "\"}")
                    .post("/api/auth/login")
                    .then()
                    .statusCode(400);
            given().contentType(ContentType.JSON)
                    .body("{\"username\":\"" + name + "\",\"password\":[\"" + secret + "\"]}")
                    .post("/api/auth/register")
                    .then()
                    .statusCode(400);
            post("/api/auth/register", Map.of("username", "bad name", "password", secret))
                    .statusCode(400);
            org.jboss.logging.Logger.getLogger(SecurityHeadersTest.class).warn("capture check");
        } finally {
            rootLogger.removeHandler(capture);
        }
        assertTrue(logged.stream().anyMatch(line -> line.contains("capture check")), "the capture sees the log");
        assertFalse(logged.stream().anyMatch(line -> line.contains(secret)), String.join("\n", logged));
    }

    private static ValidatableResponse post(String path, Map<String, String> body) {
        return given().contentType(ContentType.JSON).body(body).post(path).then();
    }

    private static String stack(Throwable t) {
        java.io.StringWriter out = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }
}
