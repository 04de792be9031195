package dev.chat.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A real WebSocket client for one user: every text frame lands in a queue, presence frames in their own
 * (they arrive whenever a room-mate comes or goes, and only the presence tests look at them). Every wait is
 * bounded.
 */
public final class WsClient implements AutoCloseable {

    /** Generous for a 2-core machine shared with builds, where an event loop was seen starved for 5 s. */
    public static final long WAIT_MS = 10_000;
    /** How long "nothing arrives" is watched for. */
    public static final long QUIET_MS = 700;

    private final WebSocketClient client;
    final WebSocket socket;
    private final LinkedBlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
    private final LinkedBlockingQueue<JsonObject> presence = new LinkedBlockingQueue<>();
    private final CompletableFuture<Short> closed = new CompletableFuture<>();
    /**
     * A frame the handler could not take (not JSON, or not what asyncapi.yaml describes). An exception
     * thrown in a Vert.x handler is only logged, so the frame would silently vanish and the test would
     * report "no frame" instead of the real fault: it is kept here and every later wait fails with it.
     */
    private volatile Throwable refused;

    private WsClient(WebSocketClient client, WebSocket socket) {
        this.client = client;
        this.socket = socket;
        socket.textMessageHandler(text -> {
            try {
                JsonObject frame = new JsonObject(text);
                dev.chat.support.FrameSchemas.check(frame); // every frame must be one asyncapi.yaml describes
                ("presence".equals(frame.getString("type")) ? presence : frames).add(frame);
            } catch (Throwable e) {
                refused = new AssertionError("Frame refused by the client: " + text, e);
            }
        });
        socket.closeHandler(v -> closed.complete(socket.closeStatusCode()));
    }

    public static WsClient bearer(Vertx vertx, URI uri, String accessToken) {
        return connect(vertx, options(uri, null).addHeader("Authorization", "Bearer " + accessToken));
    }

    /** Connected with the token and past its {@code ready}: what most tests start from. */
    public static WsClient ready(Vertx vertx, URI uri, String accessToken) {
        WsClient client = bearer(vertx, uri, accessToken);
        try {
            client.ready();
            return client;
        } catch (AssertionError | RuntimeException e) {
            client.close();
            throw e;
        }
    }

    public static WsClient ticket(Vertx vertx, URI uri, String ticket) {
        return connect(vertx, options(uri, ticket));
    }

    /** The upgrade must be refused: returns the HTTP status of the refusal. */
    public static int refused(Vertx vertx, URI uri, String authorization, String ticket) {
        WebSocketConnectOptions options = options(uri, ticket);
        if (authorization != null) {
            options.addHeader("Authorization", authorization);
        }
        WebSocketClient client = vertx.createWebSocketClient();
        try {
            WebSocket socket = client.connect(options)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(WAIT_MS, TimeUnit.MILLISECONDS);
            socket.close();
            return fail("The upgrade was accepted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UpgradeRejectedException rejected) {
                return rejected.getStatus();
            }
            return fail("Not an upgrade refusal", e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            return fail(e);
        } finally {
            client.close();
        }
    }

    private static WebSocketConnectOptions options(URI uri, String ticket) {
        String path = uri.getPath() + (ticket != null ? "?ticket=" + ticket : "");
        return new WebSocketConnectOptions()
                .setHost(uri.getHost())
                .setPort(uri.getPort())
                .setURI(path);
    }

    private static WsClient connect(Vertx vertx, WebSocketConnectOptions options) {
        WebSocketClient client = vertx.createWebSocketClient();
        try {
            // Vert.x 4.5.27 resumes a new client WebSocket (HttpClientBase.webSocket) before ClientWebSocket
            // hands it the handlers set here, in a second promise callback. Called from a test thread, that
            // callback could run as a later task, and a frame read in between (ready, which the server
            // writes about a millisecond after the 101) went to a socket with no handler and vanished. Seen
            // with a logging build of vertx-core (a text frame received while frameHandler was still null,
            // the server having written ready); the message-then-realtime test set failed 4 runs of 4 that
            // way, and passed 3 of 3 once the connect ran as a task of the client's own context, where the
            // handshake's completion, the resume and the handlers happen in one call on its event loop.
            ClientWebSocket socket = client.webSocket();
            WsClient ws = new WsClient(client, socket);
            CompletableFuture<WebSocket> connected = new CompletableFuture<>();
            vertx.getOrCreateContext()
                    .runOnContext(v -> socket.connect(options)
                            .onSuccess(connected::complete)
                            .onFailure(connected::completeExceptionally));
            connected.get(WAIT_MS, TimeUnit.MILLISECONDS);
            return ws;
        } catch (Exception e) {
            client.close();
            throw new AssertionError("Could not connect", e);
        }
    }

    /** Connects and consumes {@code ready}, which must be the first frame. */
    public JsonObject ready() {
        JsonObject ready = next();
        assertEquals("ready", ready.getString("type"), "first frame: " + ready);
        return ready;
    }

    /** The next non-presence frame, waiting at most a few seconds. */
    public JsonObject next() {
        return take(frames, "frame");
    }

    public JsonObject next(dev.chat.fanout.EventType type) {
        return next(type.wire());
    }

    public JsonObject next(String type) {
        JsonObject frame = next();
        assertEquals(type, frame.getString("type"), "frame: " + frame);
        return frame;
    }

    public JsonObject nextPresence() {
        return take(presence, "presence frame");
    }

    public JsonObject nextPresence(java.time.Duration wait) {
        JsonObject frame = poll(presence, wait.toMillis());
        assertNotNull(frame, "no presence frame within " + wait);
        return frame;
    }

    /**
     * "Nothing else arrived", proven by a fence rather than by waiting: the test caused, after what it checks,
     * an event of {@code type} in {@code roomId} that this connection must receive, and it must be the next
     * frame. A hub handles the events it is given in publication order and writes each connection's frames in
     * the order it handles them, so a frame that was due before the fence would have come before it. Returns
     * the fence, for the caller to check it is the one it sent.
     */
    public JsonObject fence(String roomId, String type) {
        JsonObject frame = next();
        assertEquals(
                type + " " + roomId,
                frame.getString("type") + " " + frame.getString("roomId"),
                "a frame came before the fence: " + frame);
        return frame;
    }

    public JsonObject fence(java.util.UUID roomId, dev.chat.fanout.EventType type) {
        return fence(roomId.toString(), type.wire());
    }

    /**
     * Nothing (but presence) arrives within a short wait: only where no fence can be ordered behind what is
     * checked (presence, which a connection's close sets off at a moment the client cannot observe; other
     * instances, which Redis does not order against this one).
     */
    public void expectNothing() {
        assertNull(poll(frames, QUIET_MS), "unexpected frame");
    }

    public void expectNoPresence() {
        assertNull(poll(presence, QUIET_MS), "unexpected presence frame");
    }

    public void send(String text) {
        socket.writeTextMessage(text);
    }

    public void sendBinary(Buffer data) {
        socket.writeBinaryMessage(data);
    }

    /** Stops reading: the socket's receive buffer fills, then the server's send buffer. */
    public void pause() {
        socket.pause();
    }

    public void resume() {
        socket.resume();
    }

    /** The close code the server sent, waiting at most {@code ms}. */
    public short closeCode(long ms) {
        try {
            Short code = closed.get(ms, TimeUnit.MILLISECONDS);
            assertNotNull(code, "closed without a code");
            return code;
        } catch (Exception e) {
            throw new AssertionError("Not closed", e);
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            socket.close();
        }
        client.close();
    }

    private JsonObject take(LinkedBlockingQueue<JsonObject> queue, String what) {
        JsonObject frame = poll(queue, WAIT_MS);
        assertNotNull(
                frame,
                "no " + what + " within " + WAIT_MS + " ms"
                        + (closed.isDone()
                                ? " (closed by the server: " + socket.closeStatusCode() + " " + socket.closeReason()
                                        + ")"
                                : " (socket open)"));
        return frame;
    }

    private JsonObject poll(LinkedBlockingQueue<JsonObject> queue, long ms) {
        try {
            JsonObject frame = queue.poll(ms, TimeUnit.MILLISECONDS);
            if (refused != null) {
                throw new AssertionError(refused.getMessage(), refused.getCause());
            }
            return frame;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
