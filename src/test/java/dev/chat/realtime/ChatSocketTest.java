package dev.chat.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chat.realtime.Fixtures.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The upgrade's authentication and the client-to-server protocol of /ws. */
@QuarkusTest
class ChatSocketTest {

    private static final String PONG = "{\"type\":\"pong\"}";
    private static final JsonObject UNSUPPORTED =
            new JsonObject("{\"type\":\"error\",\"data\":{\"code\":\"unsupported\"}}");

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    Vertx vertx;

    @Test
    void shouldRefuseUpgradeWithoutCredentials() {
        assertEquals(401, WsClient.refused(vertx, ws, null, null));
    }

    @Test
    void shouldRefuseUpgradeWithInvalidBearerToken() {
        TestUser user = Fixtures.register();
        String token = user.accessToken();
        String tampered = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertEquals(401, WsClient.refused(vertx, ws, "Bearer " + tampered, null));
        assertEquals(401, WsClient.refused(vertx, ws, "Bearer not-a-jwt", null));
    }

    @Test
    void shouldRefuseUpgradeWithUnknownTicket() {
        assertEquals(401, WsClient.refused(vertx, ws, null, "bogus-ticket"));
    }

    @Test
    void shouldRefuseUpgradeWithExpiredBearerToken() {
        TestUser user = Fixtures.register();
        String expired = Jwt.issuer("chat-service")
                .subject(user.id().toString())
                .issuedAt(Instant.now().minusSeconds(120))
                .expiresAt(Instant.now().minusSeconds(60))
                .sign();
        assertEquals(401, WsClient.refused(vertx, ws, "Bearer " + expired, null));
    }

    @Test
    void whenTheAccessTokenExpiresTheConnectionIsClosedWith4001() {
        TestUser user = Fixtures.register();
        String shortLived = Jwt.issuer("chat-service")
                .subject(user.id().toString())
                .expiresAt(Instant.now().plusSeconds(2))
                .sign();
        try (WsClient client = WsClient.bearer(vertx, ws, shortLived)) {
            client.ready();
            assertEquals(4001, client.closeCode(WsClient.WAIT_MS));
        }
    }

    @Test
    void shouldAcceptTicketOnlyOnce() {
        TestUser user = Fixtures.register();
        String ticket = Fixtures.ticket(user);
        try (WsClient client = WsClient.ticket(vertx, ws, ticket)) {
            JsonObject ready = client.ready();
            assertEquals(user.id().toString(), ready.getJsonObject("data").getString("userId"));
        }
        assertEquals(401, WsClient.refused(vertx, ws, null, ticket));
    }

    @Test
    void shouldRefuseTheUpgradePastTheConnectionCapWith429() {
        TestUser user = Fixtures.register();
        List<WsClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) { // API.md: default 10
                WsClient client = WsClient.bearer(vertx, ws, user.accessToken());
                client.ready();
                open.add(client);
            }
            assertEquals(429, WsClient.refused(vertx, ws, "Bearer " + user.accessToken(), null));
            open.remove(0).close();
            long deadline = System.currentTimeMillis() + WsClient.WAIT_MS;
            while (true) { // the close reaches the server a moment later
                try {
                    WsClient again = WsClient.bearer(vertx, ws, user.accessToken());
                    again.ready();
                    open.add(again);
                    break;
                } catch (AssertionError refused) {
                    assertTrue(System.currentTimeMillis() < deadline, "a freed place was never reusable");
                }
            }
        } finally {
            open.forEach(WsClient::close);
        }
    }

    @Test
    void shouldSendReadyFirstWithTheUserFromTheToken() {
        TestUser user = Fixtures.register();
        try (WsClient first = WsClient.bearer(vertx, ws, user.accessToken());
                WsClient second = WsClient.bearer(vertx, ws, user.accessToken())) {
            JsonObject one = first.ready();
            JsonObject two = second.ready();
            assertEquals(user.id().toString(), one.getJsonObject("data").getString("userId"));
            assertEquals(user.id().toString(), two.getJsonObject("data").getString("userId"));
            assertFalse(one.getJsonObject("data")
                    .getString("connectionId")
                    .equals(two.getJsonObject("data").getString("connectionId")));
            assertEquals(false, one.getString("at") == null);
        }
    }

    @Test
    void shouldAnswerPingWithPong() {
        TestUser user = Fixtures.register();
        try (WsClient client = WsClient.bearer(vertx, ws, user.accessToken())) {
            client.ready();
            client.send("{\"type\":\"ping\"}");
            assertEquals(new JsonObject(PONG), client.next());
        }
    }

    @Test
    void shouldAnswerAnyOtherFrameWithUnsupportedAndStayOpen() {
        TestUser user = Fixtures.register();
        try (WsClient client = WsClient.bearer(vertx, ws, user.accessToken())) {
            client.ready();
            client.send("{\"type\":\"subscribe\",\"roomId\":\"x\"}");
            assertEquals(UNSUPPORTED, client.next());
            client.send("not json");
            assertEquals(UNSUPPORTED, client.next());
            client.sendBinary(Buffer.buffer(new byte[] {1, 2, 3}));
            assertEquals(UNSUPPORTED, client.next());
            client.send("{\"type\":\"ping\"}");
            assertEquals(new JsonObject(PONG), client.next());
            assertFalse(client.isClosed());
        }
    }
}
