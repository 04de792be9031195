package dev.chat.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chat.support.Api;
import dev.chat.support.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Hostile input at the WebSocket's own level, below what a well-behaved client library can send: broken
 * upgrade requests and broken frames, written byte by byte on a plain TCP socket. None may get a 5xx or a
 * 1011 (server error) close, and the server must go on serving everyone else.
 */
@QuarkusTest
class HostileWebSocketTest {

    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    Vertx vertx;

    @Test
    void shouldRefuseEveryBrokenUpgradeWithA4xx() throws IOException {
        TestUser user = Api.newUser();
        String bearer = "Authorization: Bearer " + user.accessToken();
        String upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\n";
        String version = "Sec-WebSocket-Version: 13\r\n";
        String key = "Sec-WebSocket-Key: " + KEY + "\r\n";
        Map<String, String> requests = new LinkedHashMap<>();
        requests.put("no credentials", get("/ws", upgrade + version + key));
        requests.put("garbage bearer", get("/ws", upgrade + version + key + "Authorization: Bearer x.y.z\r\n"));
        requests.put("basic auth", get("/ws", upgrade + version + key + "Authorization: Basic YTpi\r\n"));
        requests.put(
                "huge bearer",
                get("/ws", upgrade + version + key + "Authorization: Bearer " + "a".repeat(9000) + "\r\n"));
        requests.put("empty ticket", get("/ws?ticket=", upgrade + version + key));
        requests.put("NUL ticket", get("/ws?ticket=%00", upgrade + version + key));
        requests.put(
                "injection ticket", get("/ws?ticket=%27%3B%20DROP%20TABLE%20ws_tickets%3B--", upgrade + version + key));
        requests.put("invalid percent-encoding", get("/ws?ticket=%zz", upgrade + version + key));
        requests.put("huge ticket", get("/ws?ticket=" + "a".repeat(3000), upgrade + version + key));
        requests.put("two tickets", get("/ws?ticket=a&ticket=b", upgrade + version + key));
        requests.put("no Sec-WebSocket-Key", get("/ws", upgrade + version + bearer + "\r\n"));
        requests.put("unknown version", get("/ws", upgrade + "Sec-WebSocket-Version: 99\r\n" + key + bearer + "\r\n"));
        requests.put("no Upgrade header", get("/ws", version + key + bearer + "\r\n"));
        requests.put(
                "POST upgrade",
                "POST /ws HTTP/1.1\r\nHost: localhost\r\n" + upgrade + version + key + bearer
                        + "\r\nContent-Length: 0\r\n\r\n");
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, String> request : requests.entrySet()) {
            int status = statusOf(request.getValue());
            if (status < 400 || status >= 500) {
                wrong.add(request.getKey() + ": " + status);
            }
        }
        assertEquals(List.of(), wrong, "every broken upgrade is a 4xx");
        assertServing(user);
    }

    @Test
    void shouldCloseAConnectionThatBreaksTheProtocolWithoutAServerError() throws IOException {
        TestUser user = Api.newUser();
        Map<String, byte[]> fatal = new LinkedHashMap<>();
        fatal.put(
                "frame over the 4 KiB limit",
                frame(0x81, true, "x".repeat(60_000).getBytes(StandardCharsets.UTF_8)));
        fatal.put(
                "message over the limit in frames within it",
                concat(
                        frame(0x01, true, "x".repeat(3000).getBytes(StandardCharsets.UTF_8)),
                        frame(0x80, true, "x".repeat(3000).getBytes(StandardCharsets.UTF_8))));
        fatal.put("unmasked frame", frame(0x81, false, "{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8)));
        fatal.put("continuation with no start", frame(0x80, true, "x".getBytes(StandardCharsets.UTF_8)));
        fatal.put("reserved opcode", frame(0x83, true, new byte[] {1}));
        fatal.put("fragmented ping", frame(0x09, true, new byte[] {1}));
        fatal.put("close frame with an invalid code", frame(0x88, true, new byte[] {0x03, (byte) 0xE7})); // 999
        // Vert.x reads these leniently (replacement characters; reserved bits are left to extensions): an
        // answer, like any text the server does not take, is as good as a protocol close.
        Map<String, byte[]> lenient = new LinkedHashMap<>();
        lenient.put("text of invalid UTF-8", frame(0x81, true, new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF}));
        lenient.put("reserved bit set", frame(0xC1, true, "x".getBytes(StandardCharsets.UTF_8)));

        List<String> wrong = new ArrayList<>();
        try (ErrorLog errors = new ErrorLog()) {
            for (Map.Entry<String, byte[]> sent : fatal.entrySet()) {
                String outcome = outcomeAfter(user, sent.getValue());
                // 1002 protocol error, 1007 invalid data, 1009 too big, or the socket cut; never 1011 nor open.
                if (!outcome.matches("close 100[279]|dropped")) {
                    wrong.add(sent.getKey() + ": " + outcome);
                }
            }
            for (Map.Entry<String, byte[]> sent : lenient.entrySet()) {
                String outcome = outcomeAfter(user, sent.getValue());
                if (!outcome.matches("close 100[279]|dropped|answered error")) {
                    wrong.add(sent.getKey() + ": " + outcome);
                }
            }
            assertEquals(
                    List.of(),
                    wrong,
                    "every broken frame ends its connection (or is answered), never as a server error");
            assertEquals(List.of(), errors.lines(), "a client's protocol error is no server ERROR");
        }
        assertServing(user);
    }

    /** The server still upgrades, authenticates and answers: nothing above broke it. */
    private void assertServing(TestUser user) {
        try (WsClient client = WsClient.ready(vertx, ws, user.accessToken())) {
            client.send("{\"type\":\"ping\"}");
            assertEquals("pong", client.next().getString("type"));
        }
    }

    private String get(String target, String headers) {
        return "GET " + target + " HTTP/1.1\r\nHost: localhost:" + ws.getPort() + "\r\n" + headers + "\r\n";
    }

    private int statusOf(String request) throws IOException {
        try (Socket socket = open()) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            String statusLine = readLine(socket.getInputStream());
            assertTrue(statusLine.startsWith("HTTP/1.1 "), "not an HTTP answer: " + statusLine);
            return Integer.parseInt(statusLine.substring(9, 12));
        }
    }

    /**
     * Upgrades properly, waits for {@code ready}, sends the bytes, and tells what the server did: "close N"
     * (its close frame's code), "dropped" (the socket ended without one), "answered T" (a frame of type T),
     * or "open" (nothing within the wait).
     */
    private String outcomeAfter(TestUser user, byte[] bytes) throws IOException {
        try (Socket socket = open()) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(get(
                            "/ws",
                            "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                                    + "Sec-WebSocket-Key: " + KEY + "\r\nAuthorization: Bearer "
                                    + user.accessToken() + "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            String statusLine = readLine(in);
            assertTrue(statusLine.contains(" 101 "), "upgrade refused: " + statusLine);
            while (!readLine(in).isEmpty()) {
                // the rest of the 101's headers
            }
            assertTrue(text(readFrame(in)).contains("\"ready\""), "ready first");
            out.write(bytes);
            out.flush();
            while (true) {
                byte[] frame = readFrame(in);
                if (frame == null) {
                    return "dropped";
                }
                int opcode = frame[0] & 0x0F;
                if (opcode == 0x8) {
                    return "close " + (frame.length >= 4 ? ((frame[2] & 0xFF) << 8) | (frame[3] & 0xFF) : 1005);
                }
                if (opcode == 0x1 && !text(frame).contains("\"presence\"")) {
                    return "answered " + new io.vertx.core.json.JsonObject(text(frame)).getString("type");
                }
                // pings (opcode 9) and presence: keep reading
            }
        } catch (SocketTimeoutException e) {
            return "open";
        } catch (java.net.SocketException e) {
            return "dropped"; // reset by the server
        }
    }

    private static String text(byte[] frame) {
        return new String(frame, 2, frame.length - 2, StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** Collects the ERROR records of WebSockets Next and of this service while open. */
    static final class ErrorLog extends java.util.logging.Handler implements AutoCloseable {
        private final List<java.util.logging.Logger> loggers = List.of(
                java.util.logging.Logger.getLogger("io.quarkus.websockets.next"),
                java.util.logging.Logger.getLogger("dev.chat"));
        private final List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();

        ErrorLog() {
            loggers.forEach(logger -> logger.addHandler(this));
        }

        List<String> lines() {
            return List.copyOf(lines);
        }

        @Override
        public void publish(java.util.logging.LogRecord record) {
            if (record.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()) {
                lines.add(record.getLoggerName() + ": " + record.getMessage());
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {
            loggers.forEach(logger -> logger.removeHandler(this));
        }
    }

    private Socket open() throws IOException {
        Socket socket = new Socket(ws.getHost(), ws.getPort());
        socket.setSoTimeout((int) WsClient.WAIT_MS);
        return socket;
    }

    /** A client frame: {@code head} is FIN/RSV/opcode; masked with a fixed key unless {@code masked} is false. */
    private static byte[] frame(int head, boolean masked, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(head);
        int mask = masked ? 0x80 : 0;
        if (payload.length < 126) {
            out.write(mask | payload.length);
        } else {
            out.write(mask | 126);
            out.write(payload.length >>> 8 & 0xFF);
            out.write(payload.length & 0xFF);
        }
        byte[] key = {0x12, 0x34, 0x56, 0x78};
        if (masked) {
            out.writeBytes(key);
        }
        for (int i = 0; i < payload.length; i++) {
            out.write(masked ? payload[i] ^ key[i % 4] : payload[i]);
        }
        return out.toByteArray();
    }

    /** One server frame (unmasked) as its two header bytes and its payload, or null at the end of the stream. */
    private static byte[] readFrame(InputStream in) throws IOException {
        int b0 = in.read();
        int b1 = in.read();
        if (b0 < 0 || b1 < 0) {
            return null;
        }
        int length = b1 & 0x7F;
        if (length == 126) {
            length = in.read() << 8 | in.read();
        } else if (length == 127) {
            throw new IOException("the server sent a frame of more than 64 KiB");
        }
        byte[] frame = new byte[2 + length];
        frame[0] = (byte) b0;
        frame[1] = (byte) b1;
        int read = 0;
        while (read < length) {
            int n = in.read(frame, 2 + read, length - read);
            if (n < 0) {
                return null;
            }
            read += n;
        }
        return frame;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
