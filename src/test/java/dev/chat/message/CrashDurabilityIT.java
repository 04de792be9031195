package dev.chat.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chat.support.Api;
import dev.chat.support.ExternalServices;
import dev.chat.support.Instance;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Nothing acknowledged is ever lost, nothing is stored twice: concurrent senders that retry every failed
 * send with the same clientMessageId, and the service killed with SIGKILL in the middle of it (a real
 * process, no shutdown hook), then started again on the same database.
 */
class CrashDurabilityIT {

    private static final int SENDERS = 6;
    private static final int EACH = 40;

    @Test
    void afterASigkillEveryAcknowledgedMessageIsStoredOnceGapFreeAndRetriesReturnTheOriginal() throws Exception {
        ExternalServices.require();
        Map<String, String> env =
                Instance.env(ExternalServices.freshDatabase(), Instance.keys(), Instance.suiteSettings());
        try (Instance instance = Instance.start("crash", env)) {
            var owner = instance.request()
                    .body(Map.of("username", Api.uniqueName("crash"), "password", Api.PASSWORD))
                    .post("/api/auth/register")
                    .then()
                    .statusCode(201)
                    .extract()
                    .jsonPath();
            String token = owner.getString("accessToken");
            String room = instance.as(token)
                    .body(Map.of("name", "crash", "memberIds", List.of()))
                    .post("/api/rooms")
                    .then()
                    .statusCode(201)
                    .extract()
                    .jsonPath()
                    .getString("id");

            // clientMessageId -> message id of every acknowledged send (201, or 200 for a retry)
            ConcurrentMap<String, String> acknowledged = new ConcurrentHashMap<>();
            ConcurrentMap<String, String> firstAnswer = new ConcurrentHashMap<>();
            AtomicInteger retried = new AtomicInteger();
            AtomicInteger sent = new AtomicInteger();
            ExecutorService senders = Executors.newFixedThreadPool(SENDERS);
            List<Future<?>> running = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
            for (int s = 0; s < SENDERS; s++) {
                int sender = s;
                running.add(senders.submit(() -> {
                    for (int n = 0; n < EACH; n++) {
                        String clientId = "s" + sender + "-" + n;
                        boolean first = true;
                        while (true) {
                            assertTrue(System.nanoTime() < deadline, "the service never came back");
                            Response answer = post(instance, token, room, clientId);
                            int status = answer == null ? -1 : answer.statusCode();
                            if (status == 201 || status == 200) {
                                String id = answer.jsonPath().getString("id");
                                String earlier = acknowledged.putIfAbsent(clientId, id);
                                assertTrue(earlier == null || earlier.equals(id), "one message per clientMessageId");
                                firstAnswer.putIfAbsent(clientId, status == 201 ? "created" : "original");
                                sent.incrementAndGet();
                                break;
                            }
                            if (!first) {
                                sleep(100);
                            }
                            first = false;
                            retried.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            while (sent.get() < SENDERS * EACH / 4) {
                sleep(20);
            }
            instance.kill();
            int ackedBeforeKill = sent.get();
            instance.start();
            for (Future<?> f : running) {
                f.get(5, TimeUnit.MINUTES);
            }
            senders.shutdown();

            // Every acknowledged message is in history exactly once, with seq 1..n and no gap.
            List<Map<String, Object>> history = history(instance, token, room);
            assertEquals(SENDERS * EACH, history.size());
            Set<String> clientIds = new HashSet<>();
            for (int i = 0; i < history.size(); i++) {
                Map<String, Object> message = history.get(i);
                assertEquals(i + 1, ((Number) message.get("seq")).intValue(), "gap-free seq");
                assertTrue(clientIds.add((String) message.get("clientMessageId")), "stored once");
                assertEquals(acknowledged.get(message.get("clientMessageId")), message.get("id"));
            }
            assertEquals(acknowledged.keySet(), clientIds);
            // Acknowledged before the kill: a retry now returns the original.
            for (String clientId : new ArrayList<>(acknowledged.keySet()).subList(0, 10)) {
                Response again = post(instance, token, room, clientId);
                assertEquals(200, again.statusCode());
                assertEquals(acknowledged.get(clientId), again.jsonPath().getString("id"));
            }
            assertTrue(ackedBeforeKill > 0 && retried.get() > 0, "the kill happened mid-run");
        }
    }

    private static Response post(Instance instance, String token, String room, String clientId) {
        try {
            return instance.as(token)
                    .body(Map.of("body", "message " + clientId, "clientMessageId", clientId))
                    .post("/api/rooms/{r}/messages", room);
        } catch (Exception refused) { // down: connection refused or reset (RestAssured rethrows it unchecked)
            return null;
        }
    }

    private static List<Map<String, Object>> history(Instance instance, String token, String room) {
        List<Map<String, Object>> all = new ArrayList<>();
        long after = 0;
        while (true) {
            var page = instance.as(token)
                    .queryParam("after", after)
                    .queryParam("limit", 200)
                    .get("/api/rooms/{r}/messages", room)
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            List<Map<String, Object>> items = page.getList("items");
            for (Map<String, Object> item : items) {
                all.add(new HashMap<>(item));
            }
            if (!page.getBoolean("hasMore")) {
                return all;
            }
            after = ((Number) items.get(items.size() - 1).get("seq")).longValue();
        }
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
