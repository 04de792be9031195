package dev.chat.realtime;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtensionEncoder;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.WebSocketConnection;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.impl.WebSocketImplBase;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import org.jboss.logging.Logger;

/**
 * Writes an event to a WebSocket as one WebSocket frame encoded once for all its recipients.
 *
 * <p>A server's frames are not masked, so the bytes of a text frame (header and payload) are the same for
 * every recipient: this encodes them once per event and hub, into direct memory, and hands each recipient's
 * Netty channel a view of them. The usual way (WebSockets Next's {@code sendText}, or Vert.x's
 * {@code writeFrame}) makes a frame object, a promise and a frame header per recipient, copies the payload
 * into that header's buffer (Netty's encoder does so for frames under 1 KiB), and {@code sendText} first
 * encodes the String to UTF-8 again. The bytes enter the pipeline below Vert.x's frame encoder, which lets
 * bytes through; so this is only done when no WebSocket extension (per-message deflate) sits in the
 * pipeline, which would have to transform every frame (the server offers none: application.properties).
 *
 * <p>Measured against Vert.x's {@code writeFrame} of the shared payload (src/bench/RESULTS.md, 2026-12-03,
 * 1 room x 1,000 members on 2 cores): 1.07-1.27x the deliveries per second, and 0.85x the garbage.
 *
 * <p>Frames are flushed once per socket for all the events its hub had queued ({@link Flushes}), not once per
 * frame: 2.3-2.4x the deliveries per second in a room of 1,000 at 200 messages a second (RESULTS.md, 2026-12-03).
 *
 * <p>The channel is reached through Quarkus and Vert.x internals (fields of WebSockets Next's connection and
 * of Vert.x Web's socket wrapper, by reflection; the public {@code channelHandlerContext()} of Vert.x's
 * socket implementation). If an upgrade takes them away, {@link #direct()} turns false, a warning says so,
 * and frames go through {@code sendText} (correct, only slower); {@code SocketOutboundTest} fails when the
 * direct path is not in use.
 */
@RegisterForReflection(
        classNames = {
            "io.quarkus.websockets.next.runtime.WebSocketConnectionImpl",
            "io.vertx.ext.web.impl.ServerWebSocketWrapper"
        },
        fields = true)
final class SocketOutbound implements Outbound {

    private static final Logger LOG = Logger.getLogger(SocketOutbound.class);
    private static final Field SOCKET =
            field("io.quarkus.websockets.next.runtime.WebSocketConnectionImpl", "webSocket");
    private static final Field WRAPPED = field("io.vertx.ext.web.impl.ServerWebSocketWrapper", "delegate");

    /**
     * For the benchmark only ({@code -Dbench.shared-string=true}, src/bench/fanout.sh): the alternative
     * this class is measured against, {@code sendText} of one String per event, shared by its recipients.
     * Not under {@code chat.}: Quarkus maps that prefix to ChatConfig and refuses unknown keys (SRCFG00050).
     */
    private static final boolean SHARED_STRING = Boolean.getBoolean("bench.shared-string");

    /** The last frame encoded on this thread: a hub writes one event to all of its recipients in a row. */
    private static final ThreadLocal<Encoded> LAST = ThreadLocal.withInitial(Encoded::new);

    /**
     * A socket with this much written and not flushed is flushed at once rather than with its loop's others:
     * what waits for a flush counts in the connection's bound (chat.ws.max-queued-*, 1 MiB and 1,024 frames by
     * default), which is meant for a reader that does not keep up, not for a hub that has several events queued.
     */
    private static final int FLUSH_AT_BYTES = 32 * 1024;

    private static final int FLUSH_AT_FRAMES = 64;

    /** The sockets written on this event loop since its last flush task ran. */
    private static final ThreadLocal<Flushes> FLUSHES = ThreadLocal.withInitial(Flushes::new);

    private final WebSocketConnection connection;
    private final ServerWebSocket socket;
    private final ChannelHandlerContext channel;

    /** In its loop's {@link Flushes}: written, not flushed yet. Touched on the socket's loop only. */
    private boolean flushQueued;

    /** Written since the last flush; touched on the socket's loop only. */
    private int unflushedBytes;

    private int unflushedFrames;

    SocketOutbound(WebSocketConnection connection) {
        this.connection = connection;
        this.socket = SHARED_STRING ? null : socketOf(connection);
        this.channel = socket == null ? null : channelOf(socket);
    }

    boolean direct() {
        return channel != null;
    }

    @Override
    public void write(Buffer frame, Runnable written) {
        if (channel != null) {
            if (socket.isClosed()) { // a close frame went out: nothing may follow it
                written.run();
                return;
            }
            ByteBuf wire = LAST.get().wire(frame, channel.alloc());
            if (channel.executor().inEventLoop()) {
                unflushedBytes += wire.readableBytes();
                unflushedFrames++;
                channel.write(wire).addListener(result -> written.run());
                if (unflushedBytes >= FLUSH_AT_BYTES || unflushedFrames >= FLUSH_AT_FRAMES) {
                    flush();
                } else {
                    FLUSHES.get().add(this);
                }
            } else { // not on the socket's own loop (a hub is normally the loop its sockets opened on)
                channel.writeAndFlush(wire).addListener(result -> written.run());
            }
        } else if (SHARED_STRING) {
            connection.sendText(LAST.get().text(frame)).subscribe().with(ok -> written.run(), failure -> written.run());
        } else {
            connection
                    .sendText(frame.toString(StandardCharsets.UTF_8))
                    .subscribe()
                    .with(ok -> written.run(), failure -> written.run());
        }
    }

    private void flush() {
        unflushedBytes = 0;
        unflushedFrames = 0;
        channel.flush();
    }

    @Override
    public void close(CloseReason reason) {
        connection.close(reason).subscribe().with(ok -> {}, failure -> {});
    }

    /** A text frame's bytes: FIN and opcode 1, the payload length in 1, 3 or 9 bytes, no mask, the payload. */
    static ByteBuf encode(Buffer payload, ByteBufAllocator allocator) {
        int length = payload.length();
        ByteBuf wire = allocator.directBuffer(length + 10);
        wire.writeByte(0x81);
        if (length < 126) {
            wire.writeByte(length);
        } else if (length <= 0xFFFF) {
            wire.writeByte(126).writeShort(length);
        } else {
            wire.writeByte(127).writeLong(length);
        }
        return wire.writeBytes(payload.getByteBuf());
    }

    /**
     * Flushes each socket written on one event loop once, in a task queued behind the tasks already waiting
     * there. A hub writes each event to all of its recipients as one task; when it falls behind, several events
     * wait in its queue, and each socket then gets all of their frames in one system call instead of one call per
     * frame. With nothing else queued the flush runs right after the event's writes.
     */
    private static final class Flushes implements Runnable {
        private final List<SocketOutbound> pending = new ArrayList<>();

        void add(SocketOutbound outbound) {
            if (outbound.flushQueued) {
                return;
            }
            outbound.flushQueued = true;
            pending.add(outbound);
            if (pending.size() == 1) {
                try {
                    outbound.channel.executor().execute(this);
                } catch (RejectedExecutionException e) { // the loop is shutting down
                    run();
                }
            }
        }

        @Override
        public void run() {
            // By index: a write from a listener that a flush completes would join this same pass.
            for (int i = 0; i < pending.size(); i++) {
                SocketOutbound outbound = pending.get(i);
                outbound.flushQueued = false;
                try {
                    outbound.flush();
                } catch (RuntimeException e) { // Netty reports a failed write to its promise; the rest still flush
                    LOG.debugf(e, "Flushing a socket failed");
                }
            }
            pending.clear();
        }
    }

    /** One thread's last frame, as text for the benchmark's alternative, or as the bytes of a frame. */
    private static final class Encoded {
        private Buffer frame;
        private String text;
        private ByteBuf wire;

        /** A view of the frame's bytes for one write; Netty releases it once written. */
        ByteBuf wire(Buffer frame, ByteBufAllocator allocator) {
            if (this.frame != frame || wire == null) {
                forget();
                this.frame = frame;
                wire = encode(frame, allocator);
            }
            return wire.retainedDuplicate();
        }

        String text(Buffer frame) {
            if (this.frame != frame || text == null) {
                forget();
                this.frame = frame;
                text = frame.toString(StandardCharsets.UTF_8);
            }
            return text;
        }

        /** Drops this thread's reference: the memory is freed once the last write of the views is done. */
        private void forget() {
            if (wire != null) {
                wire.release();
                wire = null;
            }
            text = null;
        }
    }

    private static ChannelHandlerContext channelOf(ServerWebSocket socket) {
        if (!(unwrapped(socket) instanceof WebSocketImplBase<?> base)) {
            return null;
        }
        ChannelHandlerContext context = base.channelHandlerContext();
        for (Map.Entry<String, ChannelHandler> handler : context.pipeline()) {
            if (handler.getValue() instanceof WebSocketExtensionEncoder) {
                return null; // it would have to see every frame
            }
        }
        return context;
    }

    /** Vert.x Web's router hands out its own wrapper of the socket (it resolves forwarded headers). */
    private static ServerWebSocket unwrapped(ServerWebSocket socket) {
        ServerWebSocket inner = (ServerWebSocket) read(WRAPPED, socket);
        return inner == null ? socket : inner;
    }

    private static ServerWebSocket socketOf(WebSocketConnection connection) {
        return (ServerWebSocket) read(SOCKET, connection);
    }

    /** The field's value, or null when the field is gone (see {@link #field}) or the owner is another class. */
    private static Object read(Field field, Object owner) {
        if (field != null && field.getDeclaringClass().isInstance(owner)) {
            try {
                return field.get(owner);
            } catch (IllegalAccessException | RuntimeException e) {
                LOG.debugf(e, "No access to %s", field);
            }
        }
        return null;
    }

    private static Field field(String className, String name) {
        try {
            Field field = Class.forName(className).getDeclaredField(name);
            field.setAccessible(true);
            return field;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("WebSockets Next or Vert.x internals changed: frames are encoded per recipient", e);
            return null;
        }
    }
}
