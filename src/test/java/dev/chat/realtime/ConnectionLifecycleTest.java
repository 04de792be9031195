package dev.chat.realtime;

import static dev.chat.support.RoomApi.group;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chat.common.Times;
import dev.chat.fanout.EventFrame;
import dev.chat.fanout.EventType;
import dev.chat.fanout.Fanout;
import dev.chat.fanout.RoomEvent;
import dev.chat.support.Api;
import dev.chat.support.TestUser;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Slow consumers (4008), dead connections, and the metrics that count them. Shutdown (1001) is tested on a
 * real process stopped with SIGTERM ({@code GracefulShutdownIT}): calling the shutdown observer here would
 * close every connection of the application the other tests share.
 */
@QuarkusTest
class ConnectionLifecycleTest {

    /** Bigger than a socket buffer fills in a few events, far below the 64 KiB a frame may not exceed. */
    private static final String LARGE = "x".repeat(60_000);

    private static final int MAX_EVENTS = 2000;

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    Vertx vertx;

    @Inject
    Pool pool;

    @Inject
    Fanout fanout;

    @Inject
    MeterRegistry meters;

    @Inject
    EventFrame frames;

    Fixtures fixtures;

    @BeforeEach
    void setUp() {
        fixtures = new Fixtures(pool);
    }

    @Test
    void shouldCloseAClientThatStopsReadingWith4008WhileOthersKeepReceiving() {
        TestUser slow = Api.newUser();
        TestUser fast = Api.newUser();
        UUID room = UUID.fromString(group(slow, fast));
        double closesBefore = slowConsumerCloses();
        try (WsClient slowWs = connect(slow);
                WsClient fastWs = connect(fast)) {
            slowWs.pause();
            int published = 0;
            while (slowConsumerCloses() == closesBefore) {
                assertTrue(published < MAX_EVENTS, "the stalled client was never closed");
                fanout.publish(RoomEvent.change(
                        room,
                        fixtures.nextPosition(room),
                        frames.room(
                                EventType.ROOM_UPDATED,
                                room,
                                Times.now(),
                                RoomDeliveryTest.roomView(room, LARGE, published))));
                assertEquals(
                        published,
                        fastWs.next(EventType.ROOM_UPDATED)
                                .getJsonObject("data")
                                .getInteger("lastSeq"));
                published++;
            }
            // The other member keeps receiving.
            fanout.publish(RoomEvent.change(
                    room,
                    fixtures.nextPosition(room),
                    frames.room(
                            EventType.ROOM_UPDATED,
                            room,
                            Times.now(),
                            RoomDeliveryTest.roomView(room, "after", MAX_EVENTS))));
            assertEquals(
                    MAX_EVENTS,
                    fastWs.next(EventType.ROOM_UPDATED).getJsonObject("data").getInteger("lastSeq"));
            // The stalled client reads what was queued before the close, then the close itself.
            slowWs.resume();
            assertEquals(4008, slowWs.closeCode(10_000));
        }
        assertEquals(closesBefore + 1, slowConsumerCloses());
    }

    @Test
    void shouldCloseAConnectionThatAnswersNoPings() throws IOException {
        TestUser silent = Api.newUser();
        TestUser observer = Api.newUser();
        // A raw socket that completes the upgrade and then neither reads nor writes: no pong, ever.
        try (Socket socket = new Socket(ws.getHost(), ws.getPort())) {
            socket.getOutputStream()
                    .write(("GET /ws HTTP/1.1\r\nHost: " + ws.getHost() + ":" + ws.getPort()
                                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13"
                                    + "\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nAuthorization: Bearer "
                                    + silent.accessToken() + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            byte[] status = new byte[12];
            socket.getInputStream().readNBytes(status, 0, status.length);
            assertEquals("HTTP/1.1 101", new String(status, StandardCharsets.US_ASCII));
            long deadline = System.currentTimeMillis() + WsClient.WAIT_MS;
            while (!online(observer, silent)) {
                assertTrue(System.currentTimeMillis() < deadline, "the connection never came online");
                sleep(50);
            }
            // Dead after chat.ws.silence-timeout (3 s in tests), found by a sweep every 1 s.
            deadline = System.currentTimeMillis() + 15_000;
            while (online(observer, silent)) {
                assertTrue(System.currentTimeMillis() < deadline, "the silent connection was never closed");
                sleep(100);
            }
        }
    }

    @Test
    void shouldCountOpenConnectionsAndDeliveredEvents() {
        TestUser user = Api.newUser();
        UUID room = UUID.fromString(group(user));
        double deliveredBefore = meters.get("chat.events.delivered").counter().count();
        try (WsClient one = connect(user);
                WsClient two = connect(user)) {
            assertTrue(meters.get("chat.ws.connections").gauge().value() >= 2);
            fanout.publish(RoomEvent.change(
                    room,
                    fixtures.nextPosition(room),
                    frames.room(EventType.ROOM_UPDATED, room, Times.now(), RoomDeliveryTest.roomView(room, "n", 0))));
            one.next(EventType.ROOM_UPDATED);
            two.next(EventType.ROOM_UPDATED);
            // Each hub counts its deliveries right after writing them: a client may read the frame first.
            long deadline = System.currentTimeMillis() + WsClient.WAIT_MS;
            while (meters.get("chat.events.delivered").counter().count() < deliveredBefore + 2) {
                assertTrue(System.currentTimeMillis() < deadline, "deliveries counted");
                sleep(10);
            }
        }
        String scrape = given().when()
                .get("/q/metrics")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertTrue(scrape.contains("chat_ws_connections"), "gauge exported");
        assertTrue(scrape.contains("chat_events_delivered_total"), "counter exported");
        assertTrue(scrape.contains("chat_ws_slow_consumer_closes_total"), "counter exported");
    }

    private WsClient connect(TestUser user) {
        return WsClient.ready(vertx, ws, user.accessToken());
    }

    private double slowConsumerCloses() {
        return meters.get("chat.ws.slow.consumer.closes").counter().count();
    }

    private static boolean online(TestUser caller, TestUser user) {
        return given().header("Authorization", "Bearer " + caller.accessToken())
                .when()
                .get("/api/users/" + user.uuid())
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getBoolean("online");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
