package dev.chat.realtime;

import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.websockets.next.OnBinaryMessage;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.OnPongMessage;
import io.quarkus.websockets.next.OnTextMessage;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.common.annotation.NonBlocking;
import io.vertx.core.buffer.Buffer;
import java.security.Principal;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * {@code GET /ws}. The upgrade is authenticated (bearer token, or a single-use ticket, see
 * {@link TicketAuthenticationMechanism}); without an identity it is refused with 401 before any 101. The
 * user is taken from the security identity only. Everything else happens in {@link ConnectionRegistry}.
 */
@WebSocket(path = "/ws")
@Authenticated
public class ChatSocket {

    private final SecurityIdentity identity;
    private final ConnectionRegistry registry;
    private final Frames frames;

    ChatSocket(SecurityIdentity identity, ConnectionRegistry registry, Frames frames) {
        this.identity = identity;
        this.registry = registry;
        this.frames = frames;
    }

    @OnOpen
    @NonBlocking
    void onOpen(WebSocketConnection connection) {
        registry.open(connection, userId());
    }

    @OnTextMessage
    @NonBlocking
    void onText(String message, WebSocketConnection connection) {
        registry.heard(connection);
        registry.reply(connection, frames.isPing(message) ? Frames.PONG : Frames.UNSUPPORTED);
    }

    @OnBinaryMessage
    @NonBlocking
    void onBinary(Buffer message, WebSocketConnection connection) {
        registry.heard(connection);
        registry.reply(connection, Frames.UNSUPPORTED);
    }

    /** The answer to the server's auto-ping: the client is alive. */
    @OnPongMessage
    @NonBlocking
    void onPong(Buffer data, WebSocketConnection connection) {
        registry.heard(connection);
    }

    @OnClose
    @NonBlocking
    void onClose(WebSocketConnection connection) {
        registry.closed(connection);
    }

    /** A JWT's principal name is its upn; the user id is its subject. A ticket's identity is named by the user id. */
    private UUID userId() {
        Principal principal = identity.getPrincipal();
        return UUID.fromString(principal instanceof JsonWebToken jwt ? jwt.getSubject() : principal.getName());
    }
}
