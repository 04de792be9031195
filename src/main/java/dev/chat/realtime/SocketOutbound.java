package dev.chat.realtime;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.http.impl.ws.WebSocketFrameImpl;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import org.jboss.logging.Logger;

/**
 * Writes a frame to a WebSocket as the bytes it was encoded to once, for every recipient.
 *
 * <p>WebSockets Next sends only Strings ({@code sendText}), which Vert.x encodes to UTF-8 again for every
 * write: per recipient, one String-to-bytes copy of the whole frame. The Vert.x socket underneath takes a
 * frame over a Buffer, so every recipient's write shares the publisher's one encoding. It is reached by
 * reflection (there is no public accessor); if a Quarkus upgrade renames the field, {@link #direct()} turns
 * false, a warning says so, and frames go through {@code sendText} (correct, only slower).
 * {@code SocketOutboundTest} fails when the direct path is not in use.
 *
 * <p>Measured against {@code sendText} of one String per event shared by its recipients
 * ({@code -Dbench.shared-string=true}, src/bench/RESULTS.md, 2026-12-01 17:00 UTC, 1 room x 1,000 members at
 * 200 msg/s on 2 cores): the same deliveries/s (medians of 3: 145,033 direct, 145,648 shared; the load client
 * and the sends take the rest of the machine), but the server allocated 1.16 GB with this write against
 * 3.31 GB with sendText for the same 1.6 million deliveries: about 1.3 KB of garbage per delivery saved, which
 * a bigger machine turns into GC time. That is the reason it is kept.
 */
@RegisterForReflection(classNames = "io.quarkus.websockets.next.runtime.WebSocketConnectionImpl", fields = true)
final class SocketOutbound implements Outbound {

    private static final Logger LOG = Logger.getLogger(SocketOutbound.class);
    private static final Field SOCKET = socketField();

    /**
     * For the benchmark only ({@code -Dbench.shared-string=true}, src/bench/fanout.sh): the alternative
     * this class is measured against, {@code sendText} of one String per event, shared by its recipients.
     * Not under {@code chat.}: Quarkus maps that prefix to ChatConfig and refuses unknown keys (SRCFG00050).
     */
    private static final boolean SHARED_STRING = Boolean.getBoolean("bench.shared-string");

    private static final ThreadLocal<Object[]> LAST_STRING = ThreadLocal.withInitial(() -> new Object[2]);

    private final WebSocketConnection connection;
    private final ServerWebSocket socket;

    SocketOutbound(WebSocketConnection connection) {
        this.connection = connection;
        this.socket = socketOf(connection);
    }

    boolean direct() {
        return socket != null;
    }

    @Override
    public void write(Buffer frame, Runnable written) {
        if (SHARED_STRING) {
            Object[] last =
                    LAST_STRING.get(); // {frame, its text}: a hub writes one event to all its recipients in a row
            if (last[0] != frame) {
                last[0] = frame;
                last[1] = frame.toString(StandardCharsets.UTF_8);
            }
            connection.sendText((String) last[1]).subscribe().with(ok -> written.run(), failure -> written.run());
        } else if (socket != null) {
            // One text frame over the shared bytes: no copy, no re-encoding per recipient.
            socket.writeFrame(new WebSocketFrameImpl(WebSocketFrameType.TEXT, frame.getByteBuf(), true))
                    .onComplete(result -> written.run());
        } else {
            connection
                    .sendText(frame.toString(StandardCharsets.UTF_8))
                    .subscribe()
                    .with(ok -> written.run(), failure -> written.run());
        }
    }

    @Override
    public void close(CloseReason reason) {
        connection.close(reason).subscribe().with(ok -> {}, failure -> {});
    }

    private static ServerWebSocket socketOf(WebSocketConnection connection) {
        if (SOCKET != null && SOCKET.getDeclaringClass().isInstance(connection)) {
            try {
                return (ServerWebSocket) SOCKET.get(connection);
            } catch (IllegalAccessException | RuntimeException e) {
                LOG.debugf(e, "No direct socket access");
            }
        }
        return null;
    }

    private static Field socketField() {
        try {
            Field field = Class.forName("io.quarkus.websockets.next.runtime.WebSocketConnectionImpl")
                    .getDeclaredField("webSocket");
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("WebSockets Next internals changed: frames are re-encoded per recipient", e);
            return null;
        }
    }
}
