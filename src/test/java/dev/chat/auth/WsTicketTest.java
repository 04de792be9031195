package dev.chat.auth;

import static dev.chat.support.Api.newUser;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.chat.support.Api;
import dev.chat.support.OnVertx;
import dev.chat.support.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Ticket redemption is what the WebSocket upgrade calls; here it is exercised directly against the database. */
@QuarkusTest
class WsTicketTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Inject
    AuthService auth;

    @Inject
    Pool db;

    @Inject
    Vertx vertx;

    @Test
    void shouldRedeemATicketOnlyOnce() {
        TestUser user = newUser("once");
        String ticket = Api.wsTicket(user);
        assertEquals(UUID.fromString(user.id()), redeem(ticket).userId());
        assertNull(redeem(ticket));
    }

    @Test
    void shouldNotRedeemAnExpiredTicket() {
        TestUser user = newUser("expired");
        String ticket = Api.wsTicket(user);
        // Thirty seconds pass: the ticket's expiry moves into the past.
        db.preparedQuery("UPDATE ws_tickets SET expires_at = now() - interval '1 second' WHERE user_id = $1")
                .execute(Tuple.of(UUID.fromString(user.id())))
                .await()
                .atMost(WAIT);
        assertNull(redeem(ticket));
    }

    @Test
    void shouldNotRedeemAnUnknownTicket() {
        assertNull(redeem("no-such-ticket"));
    }

    @Test
    void shouldCarryTheExpiryOfTheAccessTokenThatMintedIt() {
        TestUser user = newUser("minted");
        String ticket = Api.wsTicket(user);
        AuthService.RedeemedTicket redeemed = redeem(ticket);
        String claims =
                new String(Base64.getUrlDecoder().decode(user.accessToken().split("\\.")[1]));
        assertEquals(Instant.ofEpochSecond(new JsonObject(claims).getLong("exp")), redeemed.tokenExpiresAt());
    }

    private AuthService.RedeemedTicket redeem(String ticket) {
        return OnVertx.await(vertx, () -> auth.redeemTicket(ticket));
    }
}
