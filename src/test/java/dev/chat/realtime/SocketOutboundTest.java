package dev.chat.realtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chat.support.Api;
import dev.chat.support.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.websockets.next.OpenConnections;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.Collection;
import org.junit.jupiter.api.Test;

/**
 * Fails when an upgrade takes away the direct write of shared frame bytes (the internals {@link SocketOutbound}
 * reaches): frames would silently go through {@code sendText}, encoded per recipient. Also fails when Vert.x
 * runs on NIO on Linux: the epoll transport is a dependency and asked for (pom.xml, application.properties).
 */
@QuarkusTest
class SocketOutboundTest {

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    Vertx vertx;

    @Inject
    OpenConnections connections;

    @Test
    void shouldRunOnTheEpollTransportOnLinux() {
        if (System.getProperty("os.name").startsWith("Linux")) {
            assertTrue(vertx.isNativeTransportEnabled(), String.valueOf(vertx.unavailableNativeTransportCause()));
        }
    }

    @Test
    void shouldWriteFramesStraightToTheNettyChannel() {
        TestUser user = Api.newUser();
        try (WsClient client = WsClient.ready(vertx, ws, user.accessToken())) {
            Collection<WebSocketConnection> open = connections.listAll();
            assertFalse(open.isEmpty());
            for (WebSocketConnection connection : open) {
                assertTrue(new SocketOutbound(connection).direct(), "direct write for " + connection.id());
            }
        }
    }
}
