package dev.chat.realtime;

import dev.chat.common.Caller;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnError;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnPongMessage;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.UserData;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

/**
 * {@code GET /ws}. The upgrade is authenticated (bearer token, or a single-use ticket, see
 * {@link TicketAuthenticationMechanism}); without an identity it is refused with 401 before any 101. The
 * user is taken from the security identity only. Everything else happens in the connection's {@link Hub}:
 * the one of the event loop this socket lives on.
 */
@WebSocket(path = "/ws")
@Authenticated
public class ChatSocket {

    private static final Logger LOG = Logger.getLogger(ChatSocket.class);

    /** API.md: a connection whose access token expires may be closed with 4001. */
    static final CloseReason TOKEN_EXPIRED = new CloseReason(4001, "access token expired");

    private static final UserData.TypedKey<Long> EXPIRY_TIMER = new UserData.TypedKey<>("chat.expiry-timer");
    private static final UserData.TypedKey<LiveConnection> LIVE = new UserData.TypedKey<>("chat.live");
    private static final UserData.TypedKey<Hub> HUB = new UserData.TypedKey<>("chat.hub");

    private final SecurityIdentity identity;
    private final Hubs hubs;
    private final Frames frames;
    private final Vertx vertx;

    ChatSocket(SecurityIdentity identity, Hubs hubs, Frames frames, Vertx vertx) {
        this.identity = identity;
        this.hubs = hubs;
        this.frames = frames;
        this.vertx = vertx;
    }

    /** On the socket's own event loop: its hub is that loop's. */
    @OnOpen
    @NonBlocking
    void onOpen(WebSocketConnection connection) {
        Hub hub = hubs.hubOfThisLoop();
        LiveConnection live = hubs.connection(connection, Caller.userIdOf(identity), hub);
        connection.userData().put(LIVE, live);
        connection.userData().put(HUB, hub);
        hub.open(live);
        closeWhenCredentialsExpire(connection);
    }

    /**
     * A connection lives no longer than the credentials that opened it: a bearer token's {@code exp}, or, for
     * a ticket, the {@code exp} of the access token that minted it (stored with the ticket, so the upgrade may
     * reach any instance). The client reconnects with a fresh token. The timer is cancelled when the
     * connection closes first.
     */
    private void closeWhenCredentialsExpire(WebSocketConnection connection) {
        Instant expiresAt = identity.getPrincipal() instanceof JsonWebToken jwt
                ? Instant.ofEpochSecond(jwt.getExpirationTime())
                : identity.<Instant>getAttribute(TicketIdentityProvider.TOKEN_EXPIRES_AT);
        long remainingMillis = expiresAt.toEpochMilli() - System.currentTimeMillis();
        long timer = vertx.setTimer(Math.max(1, remainingMillis), id -> closeQuietly(connection, TOKEN_EXPIRED));
        connection.userData().put(EXPIRY_TIMER, timer);
    }

    /** Answered through the same bounded queue, behind everything already queued. */
    @OnTextMessage
    @NonBlocking
    void onText(String message, WebSocketConnection connection) {
        LiveConnection live = connection.userData().get(LIVE);
        if (live != null) {
            live.heard();
            live.send(frames.isPing(message) ? Frames.PONG : Frames.UNSUPPORTED);
        }
    }

    @OnBinaryMessage
    @NonBlocking
    void onBinary(Buffer message, WebSocketConnection connection) {
        LiveConnection live = connection.userData().get(LIVE);
        if (live != null) {
            live.heard();
            live.send(Frames.UNSUPPORTED);
        }
    }

    /** The answer to the server's auto-ping: the client is alive. */
    @OnPongMessage
    @NonBlocking
    void onPong(Buffer data, WebSocketConnection connection) {
        LiveConnection live = connection.userData().get(LIVE);
        if (live != null) {
            live.heard();
        }
    }

    /**
     * A client that breaks the WebSocket protocol (unmasked, reserved or fragmented control frames, a frame
     * over {@code max-frame-size}): Netty has failed the connection already. Without this handler WebSockets
     * Next logs two ERRORs per such connection, which lets any authenticated client write the server's error
     * log at will; it is the client's fault, so it is a DEBUG line and the protocol's own close code.
     */
    @OnError
    @NonBlocking
    void onProtocolViolation(CorruptedWebSocketFrameException violation, WebSocketConnection connection) {
        LOG.debugf("Connection %s broke the protocol: %s", connection.id(), violation.getMessage());
        WebSocketCloseStatus status = violation.closeStatus();
        closeQuietly(connection, new CloseReason(status.code(), status.reasonText()));
    }

    /**
     * A message over {@code max-message-size} in several frames, each within the frame limit: Vert.x refuses
     * it with an IllegalStateException ("... would cause message buffer ... to exceed"), which would otherwise
     * close with 1011 (server error) and an ERROR line. Any other IllegalStateException stays a server error.
     */
    @OnError
    @NonBlocking
    void onIllegalState(IllegalStateException failure, WebSocketConnection connection) {
        if (failure.getMessage() != null && failure.getMessage().contains("message buffer")) {
            LOG.debugf("Connection %s sent a message over the limit", connection.id());
            closeQuietly(connection, new CloseReason(WebSocketCloseStatus.MESSAGE_TOO_BIG.code(), "Message too big"));
        } else {
            LOG.errorf(failure, "Connection %s failed", connection.id());
            closeQuietly(connection, CloseReason.INTERNAL_SERVER_ERROR);
        }
    }

    private static void closeQuietly(WebSocketConnection connection, CloseReason reason) {
        if (connection.isOpen()) {
            connection.close(reason).subscribe().with(ok -> {}, failure -> {});
        }
    }

    @OnClose
    @NonBlocking
    void onClose(WebSocketConnection connection) {
        Long timer = connection.userData().get(EXPIRY_TIMER);
        if (timer != null) {
            vertx.cancelTimer(timer);
        }
        LiveConnection live = connection.userData().get(LIVE);
        Hub hub = connection.userData().get(HUB);
        if (live != null && hub != null) {
            hub.execute(() -> hub.closed(live));
        }
    }
}
