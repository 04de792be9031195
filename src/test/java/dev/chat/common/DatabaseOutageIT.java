package dev.chat.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chat.realtime.WsClient;
import dev.chat.support.Api;
import dev.chat.support.Instance;
import dev.chat.support.PrivatePostgres;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, item 2: PostgreSQL goes away for ten seconds under load, and comes back. The packaged jar runs
 * against a PostgreSQL cluster of this test's own ({@link PrivatePostgres}: never the machine's shared server),
 * which the test stops with a fast shutdown while senders and readers keep going.
 *
 * <p>Promised: every request during the outage is answered, quickly, 503 problem+json with Retry-After (no 500,
 * no hang); readiness is DOWN; an open WebSocket stays open; once the database is back the service recovers by
 * itself within seconds (sends succeed, readiness UP, the WebSocket delivers), and nothing acknowledged is lost.
 */
@Tag(GracefulShutdownIT.OWN_PROCESS)
class DatabaseOutageIT {

    private static final Duration OUTAGE = Duration.ofSeconds(10);
    /**
     * A refused connection fails at once; the slowest way to a 503 is the pool wait (chat.database.pool-wait-
     * timeout, 5 s) when every pool connection is busy. One more second for a loaded machine.
     */
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(6);
    /** From the moment PostgreSQL accepts connections again. */
    private static final Duration RECOVER_WITHIN = Duration.ofSeconds(5);

    private static final int SENDERS = 3;
    private static final int READERS = 2;

    /** One request of the load: when it started and ended (System.nanoTime), and what came back. */
    record Call(String kind, long start, long end, int status, String contentType, String retryAfter, String error) {

        Duration took() {
            return Duration.ofNanos(end - start);
        }

        boolean isProblem503() {
            return status == 503
                    && contentType != null
                    && contentType.startsWith("application/problem+json")
                    && retryAfter != null;
        }
    }

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile boolean loading = true;

    @Test
    void whenPostgresStopsUnderLoadRequestsGetFast503sReadinessIsDownSocketsStayAndItRecoversByItself()
            throws Exception {
        Vertx vertx = Vertx.vertx();
        try (PrivatePostgres postgres = PrivatePostgres.require().create();
                Instance instance = Instance.start(
                        "db-outage", Instance.env(postgres.datasource(), Instance.keys(), Instance.suiteSettings()))) {
            URI base = URI.create("http://127.0.0.1:" + instance.port());
            var alice = register(instance, "alice");
            var bob = register(instance, "bob");
            String aliceToken = alice.getString("accessToken");
            String room = instance.as(aliceToken)
                    .body(Map.of("name", "outage", "memberIds", List.of(bob.getString("user.id"))))
                    .post("/api/rooms")
                    .then()
                    .statusCode(201)
                    .extract()
                    .path("id");

            try (WsClient bobWs = WsClient.ready(vertx, instance.ws(), bob.getString("accessToken"))) {

                List<Thread> load = new ArrayList<>();
                AtomicInteger sequence = new AtomicInteger();
                for (int i = 0; i < SENDERS; i++) {
                    load.add(started("sender-" + i, () -> {
                        while (loading) {
                            call("send", send(base, aliceToken, room, "m" + sequence.incrementAndGet()));
                        }
                    }));
                }
                for (int i = 0; i < READERS; i++) {
                    load.add(started("reader-" + i, () -> {
                        while (loading) {
                            call("read", get(base, aliceToken, "/api/rooms/" + room + "/messages?limit=50"));
                        }
                    }));
                }
                awaitTrue(() -> count(201) >= 20, Duration.ofSeconds(30), "the load never got going");

                long stopping = System.nanoTime();
                postgres.stop();
                long stopped = System.nanoTime();
                long downAt = awaitReadiness(base, 503, OUTAGE);
                assertTrue(downAt > 0, "readiness never reported DOWN while PostgreSQL was stopped");
                long restartAt = stopped + OUTAGE.toNanos();
                Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(restartAt - System.nanoTime())));
                assertFalse(bobWs.isClosed(), "the WebSocket was closed during the outage");
                int readyDuringOutage = status(base, "/q/health/ready");

                long restarting = System.nanoTime();
                postgres.start();
                long accepting = System.nanoTime();
                long upAt = awaitReadiness(base, 200, RECOVER_WITHIN.plusSeconds(10));
                awaitTrue(
                        () -> calls.stream().anyMatch(c -> c.start() > accepting && c.status() == 201),
                        RECOVER_WITHIN.plusSeconds(10),
                        "no send succeeded after PostgreSQL came back");
                long firstSendAt = calls.stream()
                        .filter(c -> c.start() > accepting && c.status() == 201)
                        .mapToLong(Call::end)
                        .min()
                        .orElseThrow();
                loading = false;
                for (Thread thread : load) {
                    thread.join(Duration.ofSeconds(30).toMillis());
                }

                // During the outage (requests started once PostgreSQL was down, ended before it was back):
                List<Call> outage = calls.stream()
                        .filter(c -> c.start() > stopped && c.end() < restarting)
                        .toList();
                List<Call> wrong =
                        outage.stream().filter(c -> !c.isProblem503()).toList();
                Duration slowest =
                        outage.stream().map(Call::took).max(Duration::compareTo).orElse(Duration.ZERO);
                double meanMillis = outage.stream()
                        .mapToLong(c -> c.took().toMillis())
                        .average()
                        .orElse(0);
                System.out.printf(
                        "Database outage: stop took %d ms; %d requests during %d s down, %d answered 503 problem+json"
                                + " (mean %.0f ms, slowest %d ms); readiness DOWN %d ms after the stop; PostgreSQL"
                                + " back after %d ms of start-up, readiness UP %d ms and the first send 201 %d ms"
                                + " after it accepted connections; %d requests in all%n",
                        millis(stopped - stopping),
                        outage.size(),
                        OUTAGE.toSeconds(),
                        outage.size() - wrong.size(),
                        meanMillis,
                        slowest.toMillis(),
                        millis(downAt - stopped),
                        millis(accepting - restarting),
                        millis(upAt - accepting),
                        millis(firstSendAt - accepting),
                        calls.size());

                assertTrue(outage.size() >= 20, "only " + outage.size() + " requests during the outage");
                assertEquals(List.of(), wrong.stream().limit(5).toList(), "not 503 problem+json during the outage");
                assertTrue(slowest.compareTo(ANSWER_WITHIN) < 0, "an outage answer took " + slowest);
                assertEquals(503, readyDuringOutage, "readiness at the end of the outage");
                // Around the edges a request may succeed or get the 503: nothing else, never a 500 or a hang.
                List<Call> neither = calls.stream()
                        .filter(c -> c.status() != 200 && c.status() != 201 && !c.isProblem503())
                        .limit(5)
                        .toList();
                assertEquals(List.of(), neither, "answers other than success and 503 problem+json");
                assertTrue(
                        upAt - accepting < RECOVER_WITHIN.toNanos(),
                        "readiness UP only after " + millis(upAt - accepting) + " ms");
                assertTrue(
                        firstSendAt - accepting < RECOVER_WITHIN.toNanos(),
                        "the first send succeeded only after " + millis(firstSendAt - accepting) + " ms");

                // The socket survived, and delivers again.
                assertFalse(bobWs.isClosed(), "the WebSocket was closed");
                String marker = "after the outage";
                assertEquals(
                        201,
                        http.send(send(base, aliceToken, room, marker), HttpResponse.BodyHandlers.discarding())
                                .statusCode());
                awaitMessage(bobWs, marker);

                // Nothing acknowledged was lost.
                long acknowledged = calls.stream()
                                .filter(c -> c.kind().equals("send") && c.status() == 201)
                                .count()
                        + 1;
                long lastSeq = instance.as(aliceToken)
                        .get("/api/rooms/{r}", room)
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getLong("lastSeq");
                assertEquals(acknowledged, lastSeq, "acknowledged sends and the room's last seq");
            }
        } finally {
            loading = false;
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static io.restassured.path.json.JsonPath register(Instance instance, String prefix) {
        return instance.request()
                .body(Map.of("username", Api.uniqueName(prefix), "password", Api.PASSWORD))
                .post("/api/auth/register")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath();
    }

    private HttpRequest send(URI base, String token, String room, String body) {
        return HttpRequest.newBuilder(base.resolve("/api/rooms/" + room + "/messages"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        new JsonObject().put("body", body).encode()))
                .build();
    }

    private HttpRequest get(URI base, String token, String path) {
        return HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .GET()
                .build();
    }

    /** Sends one request of the load and records it; a request that gets no answer is recorded as status 0. */
    private void call(String kind, HttpRequest request) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            calls.add(new Call(
                    kind,
                    start,
                    System.nanoTime(),
                    response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(null),
                    response.headers().firstValue("Retry-After").orElse(null),
                    null));
        } catch (IOException e) {
            calls.add(new Call(kind, start, System.nanoTime(), 0, null, null, e.toString()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread started(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.start();
        return thread;
    }

    private long count(int status) {
        return calls.stream().filter(c -> c.status() == status).count();
    }

    /** Polls readiness until it answers {@code status}: the moment it did (System.nanoTime), or 0. */
    private long awaitReadiness(URI base, int status, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (status(base, "/q/health/ready") == status) {
                return System.nanoTime();
            }
            Thread.sleep(50);
        }
        return 0;
    }

    private int status(URI base, String path) {
        try {
            return http.send(
                            HttpRequest.newBuilder(base.resolve(path))
                                    .timeout(Duration.ofSeconds(10))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** The load's messages may arrive first: skip to the marker, within the client's bounded waits. */
    private static void awaitMessage(WsClient client, String body) {
        long deadline = System.currentTimeMillis() + WsClient.WAIT_MS;
        while (true) {
            JsonObject frame = client.next();
            if ("message.created".equals(frame.getString("type"))
                    && body.equals(frame.getJsonObject("data").getString("body"))) {
                return;
            }
            assertTrue(System.currentTimeMillis() < deadline, "the marker never arrived on the WebSocket");
        }
    }

    private static void awaitTrue(BooleanSupplier condition, Duration limit, String message)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, message);
            Thread.sleep(20);
        }
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
