package dev.chat.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chat.support.Api;
import dev.chat.support.RoomApi;
import dev.chat.support.Tags;
import dev.chat.support.TestUser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, item 4: one flooding account must not delay delivery for the other users of the instance. F sends
 * to room A as fast as it can (8 requests in flight at all times, a few hundred a second here), under the production send limit (10/s sustained, burst 30), so that
 * nearly all of it is refused with 429; meanwhile U sends to room B at a steady pace below the limit and V, a
 * member of B, receives over a real WebSocket. The send-to-receive latency in B is measured without and then
 * with the flood.
 *
 * <p>Tagged {@link Tags#HEAVY}: a latency measurement under load, a minute long, with a server of its own
 * settings (a Quarkus restart); on a build machine shared with other builds it measures them as well.
 */
@QuarkusTest
@Tag(Tags.HEAVY)
@TestProfile(FloodIsolationTest.ProductionSendLimit.class)
class FloodIsolationTest {

    /** The production default of chat.limits.send ({@code ChatConfig.Limits#send}); %test raises it. */
    public static class ProductionSendLimit implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("chat.limits.send", "10/1s burst 30");
        }
    }

    /** Requests the flooder keeps in flight at all times, on as many connections. */
    private static final int IN_FLIGHT = 8;

    private static final int SAMPLES = 80;
    /** 9 a second: below U's own sustained limit (10/s), so every one of U's sends is accepted. */
    private static final long INTERVAL_MS = 110;
    /**
     * What the flood may add to B's p99. A flood that B queued behind (a shared lock, queue or pool connection)
     * would add seconds: the pool wait alone is 5 s. What remains is CPU: the flooding client runs in this JVM, on
     * the same 2 cores as the service and other builds. Measured there with 16 requests in flight (about 300 a
     * second): p99 172 ms without the flood, 654 ms with it; with 8 in flight: see the figures this test prints.
     */
    private static final long ALLOWED_EXTRA_P99_MS = 750;

    @TestHTTPResource("/ws")
    URI ws;

    @Inject
    Vertx vertx;

    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger limited = new AtomicInteger();
    private final List<Integer> otherStatuses = new CopyOnWriteArrayList<>();
    private volatile boolean flooding;

    @Test
    void shouldKeepDeliveryInOtherRoomsAsFastUnderAFloodAsWithout() throws Exception {
        TestUser flooder = Api.newUser();
        TestUser floodWatcher = Api.newUser();
        TestUser u = Api.newUser();
        TestUser v = Api.newUser();
        String roomA = RoomApi.group(flooder, floodWatcher);
        String roomB = RoomApi.group(u, v);

        try (WsClient watcherWs = WsClient.bearer(vertx, ws, floodWatcher.accessToken());
                WsClient vWs = WsClient.bearer(vertx, ws, v.accessToken())) {
            // Connected after the rooms were made: no member.added, B's messages come first.
            watcherWs.ready(); // A's accepted messages are fanned out to a real connection too
            vWs.ready();

            List<Long> baseline = measure(u, roomB, vWs, "baseline");

            flooding = true;
            HttpClient http =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            CountDownLatch floodEnded = new CountDownLatch(IN_FLIGHT);
            for (int i = 0; i < IN_FLIGHT; i++) {
                flood(http, flooder, roomA, i, 0, floodEnded);
            }
            long floodStart = System.nanoTime();
            long deadline = System.currentTimeMillis() + WsClient.WAIT_MS;
            while (limited.get() < 100) { // the flood is under way: past its burst, refused
                assertTrue(System.currentTimeMillis() < deadline, "the flood never reached the limit");
                Thread.sleep(10);
            }
            List<Long> underFlood;
            try {
                underFlood = measure(u, roomB, vWs, "flood");
            } finally {
                flooding = false;
                assertTrue(floodEnded.await(WsClient.WAIT_MS, TimeUnit.MILLISECONDS), "the flood did not end");
            }
            double floodSeconds = (System.nanoTime() - floodStart) / 1e9;

            long baseP99 = percentile(baseline, 99);
            long floodP99 = percentile(underFlood, 99);
            System.out.printf(
                    "Flood isolation: B's send-to-receive latency without flood p50 %d / p95 %d / p99 %d / max %d ms;"
                            + " under flood p50 %d / p95 %d / p99 %d / max %d ms; the flooder got %d accepted and %d"
                            + " refused (429) in %.1f s (%.0f requests/s)%n",
                    percentile(baseline, 50),
                    percentile(baseline, 95),
                    baseP99,
                    percentile(baseline, 100),
                    percentile(underFlood, 50),
                    percentile(underFlood, 95),
                    floodP99,
                    percentile(underFlood, 100),
                    accepted.get(),
                    limited.get(),
                    floodSeconds,
                    (accepted.get() + limited.get()) / floodSeconds);

            assertEquals(List.of(), otherStatuses, "the flooder got answers other than 201 and 429");
            // The limit held: burst 30 plus 10 a second, and a second of slack for the refill's rounding.
            assertTrue(
                    accepted.get() <= 30 + 10 * (floodSeconds + 1),
                    accepted.get() + " of the flood accepted in " + floodSeconds + " s");
            assertTrue(
                    floodP99 <= baseP99 + ALLOWED_EXTRA_P99_MS,
                    "p99 in room B rose from " + baseP99 + " ms to " + floodP99 + " ms under the flood");
        }
    }

    /**
     * U sends {@link #SAMPLES} messages at a steady pace on its own thread; this thread takes each from V's
     * socket as it arrives. The latency of one message: from just before its POST to its arrival at V.
     */
    private List<Long> measure(TestUser sender, String room, WsClient receiver, String phase) throws Exception {
        Map<String, Long> sentAt = new ConcurrentHashMap<>();
        List<Integer> statuses = new CopyOnWriteArrayList<>();
        Thread pacer = new Thread(
                () -> {
                    long next = System.nanoTime();
                    for (int i = 0; i < SAMPLES; i++) {
                        String body = phase + " " + i;
                        sentAt.put(body, System.nanoTime());
                        statuses.add(sender.as()
                                .body(Map.of("body", body))
                                .post("/api/rooms/{roomId}/messages", room)
                                .statusCode());
                        next += TimeUnit.MILLISECONDS.toNanos(INTERVAL_MS);
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            try {
                                TimeUnit.NANOSECONDS.sleep(wait);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return;
                            }
                        }
                    }
                },
                "pacer-" + phase);
        pacer.start();
        List<Long> latencies = new ArrayList<>();
        try {
            while (latencies.size() < SAMPLES) {
                JsonObject frame = receiver.next("message.created");
                long arrived = System.nanoTime();
                Long sent = sentAt.get(frame.getJsonObject("data").getString("body"));
                assertTrue(sent != null, "not one of U's messages: " + frame);
                latencies.add(TimeUnit.NANOSECONDS.toMillis(arrived - sent));
            }
        } finally {
            pacer.join(WsClient.WAIT_MS);
        }
        assertEquals(Collections.nCopies(SAMPLES, 201), statuses, "U's sends in phase " + phase);
        return latencies;
    }

    /** One of the flood's chains: each answer sends the next request, as long as the flood lasts. */
    private void flood(HttpClient http, TestUser flooder, String room, int chain, int n, CountDownLatch ended) {
        if (!flooding) {
            ended.countDown();
            return;
        }
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://" + ws.getHost() + ":" + ws.getPort() + "/api/rooms/" + room + "/messages"))
                .header("Authorization", "Bearer " + flooder.accessToken())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        new JsonObject().put("body", "flood " + chain + "-" + n).encode()))
                .build();
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
            int status = failure != null ? 0 : response.statusCode();
            if (status == 201) {
                accepted.incrementAndGet();
            } else if (status == 429) {
                limited.incrementAndGet();
            } else {
                otherStatuses.add(status);
            }
            flood(http, flooder, room, chain, n + 1, ended);
        });
    }

    /** The nearest-rank percentile; 100 is the maximum. */
    private static long percentile(List<Long> values, int p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}
