package dev.chat.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chat.support.Api;
import dev.chat.support.TestUser;
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
        TestUser user = Api.newUser();
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
        TestUser user = Api.newUser();
        String expired = Jwt.issuer("chat-service")
                .subject(user.id())
                .issuedAt(Instant.now().minusSeconds(120))
                .expiresAt(Instant.now().minusSeconds(60))
                .sign();
        assertEquals(401, WsClient.refused(vertx, ws, "Bearer " + expired, null));
    }

    @Test
    void whenTheAccessTokenExpiresTheConnectionIsClosedWith4001() {
        TestUser user = Api.newUser();
        String shortLived =
                Jwt.issuer("chat-service").subject(user.id()).expiresAt(soon()).sign();
        try (WsClient client = WsClient.ready(vertx, ws, shortLived)) {
            assertEquals(4001, client.closeCode(WsClient.WAIT_MS));
        }
    }

    /**
     * The ticket carries the expiry of the token that minted it: the connection closes then, not one whole
     * access-token lifetime (15 minutes) after the upgrade.
     */
    @Test
    void whenTheTokenThatMintedTheTicketExpiresTheConnectionIsClosedWith4001() {
        TestUser user = Api.newUser();
        Instant expiresAt = soon();
        String ticket = ticketMintedByATokenExpiringAt(user, expiresAt);
        try (WsClient client = WsClient.ticket(vertx, ws, ticket)) {
            client.ready();
            assertEquals(4001, client.closeCode(WsClient.WAIT_MS));
            // exp has whole seconds: the close comes at the start of the token's last second at the earliest.
            long early = expiresAt.toEpochMilli() - System.currentTimeMillis();
            assertTrue(early < 1000, "closed " + early + " ms before the token expired");
        }
    }

    @Test
    void shouldRefuseATicketWhoseMintingTokenHasExpired() throws InterruptedException {
        TestUser user = Api.newUser();
        Instant expiresAt = soon();
        String ticket = ticketMintedByATokenExpiringAt(user, expiresAt);
        // The ticket alone would still have most of its 30 s; the token that minted it is gone.
        Thread.sleep(Math.max(0, expiresAt.toEpochMilli() - System.currentTimeMillis()) + 100);
        assertEquals(401, WsClient.refused(vertx, ws, null, ticket));
    }

    @Test
    void shouldAcceptTicketOnlyOnce() {
        TestUser user = Api.newUser();
        String ticket = Api.wsTicket(user);
        try (WsClient client = WsClient.ticket(vertx, ws, ticket)) {
            JsonObject ready = client.ready();
            assertEquals(user.id(), ready.getJsonObject("data").getString("userId"));
        }
        assertEquals(401, WsClient.refused(vertx, ws, null, ticket));
    }

    @Test
    void shouldRefuseTheUpgradePastTheConnectionCapWith429() {
        TestUser user = Api.newUser();
        List<WsClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) { // API.md: default 10
                open.add(WsClient.ready(vertx, ws, user.accessToken()));
            }
            assertEquals(429, WsClient.refused(vertx, ws, "Bearer " + user.accessToken(), null));
            open.remove(0).close();
            long deadline = System.currentTimeMillis() + WsClient.WAIT_MS;
            while (true) { // the close reaches the server a moment later
                try {
                    open.add(WsClient.ready(vertx, ws, user.accessToken()));
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
        TestUser user = Api.newUser();
        try (WsClient first = WsClient.bearer(vertx, ws, user.accessToken());
                WsClient second = WsClient.bearer(vertx, ws, user.accessToken())) {
            JsonObject one = first.ready();
            JsonObject two = second.ready();
            assertEquals(user.id(), one.getJsonObject("data").getString("userId"));
            assertEquals(user.id(), two.getJsonObject("data").getString("userId"));
            assertFalse(one.getJsonObject("data")
                    .getString("connectionId")
                    .equals(two.getJsonObject("data").getString("connectionId")));
            assertEquals(false, one.getString("at") == null);
        }
    }

    @Test
    void shouldAnswerPingWithPong() {
        TestUser user = Api.newUser();
        try (WsClient client = WsClient.ready(vertx, ws, user.accessToken())) {
            client.send("{\"type\":\"ping\"}");
            assertEquals(new JsonObject(PONG), client.next());
        }
    }

    @Test
    void shouldAnswerAnyOtherFrameWithUnsupportedAndStayOpen() {
        TestUser user = Api.newUser();
        try (WsClient client = WsClient.ready(vertx, ws, user.accessToken())) {
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

    /** An expiry 0.6 to 1.6 s ahead, in whole seconds as a token's exp is: time enough to connect first. */
    private static Instant soon() {
        return Instant.ofEpochSecond(Instant.now().plusMillis(1600).getEpochSecond());
    }

    /** A ticket minted with an access token of the user's that expires at {@code expiresAt}. */
    private static String ticketMintedByATokenExpiringAt(TestUser user, Instant expiresAt) {
        String shortLived = Jwt.issuer("chat-service")
                .subject(user.id())
                .expiresAt(expiresAt)
                .sign();
        return Api.wsTicket(user.withAccessToken(shortLived));
    }
}
