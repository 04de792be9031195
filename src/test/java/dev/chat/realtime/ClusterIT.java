package dev.chat.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chat.fanout.EventType;
import dev.chat.support.Api;
import dev.chat.support.ExternalServices;
import dev.chat.support.Instance;
import dev.chat.support.TestUser;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two instances of the packaged application (separate processes, separate ports) on one PostgreSQL and one
 * Redis, in {@code chat.fanout=redis}: users connected to different instances converse, every event type
 * crosses, each connection gets each event exactly once and in stream order, a removal committed on one
 * instance cuts the member off on the other, presence is cluster-wide (SIGKILL included), and a Redis
 * restart loses nothing acknowledged, and the per-user connection cap counts both instances. Redis is a server of this test's own, so that it can restart it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

    /** The per-user connection cap of both instances: no other test here holds more than two per user. */
    private static final int CAP = 2;

    private static ExternalServices.Redis redis;
    private static Instance a;
    private static Instance b;
    private static Vertx vertx;
    private static Map<String, String> env;

    @BeforeAll
    static void startCluster() {
        ExternalServices.require();
        redis = new ExternalServices.Redis().start();
        env = Instance.env(
                ExternalServices.freshDatabase(),
                Instance.keys(),
                Map.of(
                        "CHAT_FANOUT", "redis",
                        "QUARKUS_REDIS_HOSTS", redis.hosts(),
                        "CHAT_REDIS_HEARTBEAT", "PT0.2S",
                        "CHAT_REDIS_INSTANCE_TTL", "PT2S",
                        "CHAT_PRESENCE_OFFLINE_GRACE", "PT0S",
                        "CHAT_WS_MAX_CONNECTIONS_PER_USER", Integer.toString(CAP),
                        "CHAT_WS_REORDER_WAIT", "PT0.5S"),
                Instance.suiteSettings());
        a = Instance.start("a", env);
        b = Instance.start("b", env);
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopCluster() {
        for (AutoCloseable closeable : new AutoCloseable[] {a, b, redis}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
        if (vertx != null) {
            vertx.close();
        }
    }

    @Test
    @Order(1)
    void usersOnDifferentInstancesConverseAndEachConnectionGetsEachMessageOnceInOrder() throws Exception {
        TestUser alice = register(a);
        TestUser bob = register(b);
        int each = 25;
        try (WsClient aliceWs = connect(a, alice);
                WsClient bobWs = connect(b, bob)) {
            String room = createRoom(a, alice, bob);
            aliceWs.next(EventType.MEMBER_ADDED);
            bobWs.next(EventType.MEMBER_ADDED);
            ExecutorService senders = Executors.newFixedThreadPool(2);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> running = new ArrayList<>();
            for (Object[] sender : new Object[][] {{a, alice}, {b, bob}}) {
                running.add(senders.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        send((Instance) sender[0], (TestUser) sender[1], room, "m" + i);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : running) {
                f.get(60, TimeUnit.SECONDS);
            }
            senders.shutdown();
            for (WsClient client : List.of(aliceWs, bobWs)) {
                for (long seq = 1; seq <= 2L * each; seq++) {
                    assertEquals(seq, client.next(EventType.MESSAGE_CREATED).getLong("seq"));
                }
            }
            // Exactly once: a fence sent last must be the very next frame on both.
            send(a, alice, room, "fence");
            for (WsClient client : List.of(aliceWs, bobWs)) {
                assertEquals(
                        "fence",
                        client.next(EventType.MESSAGE_CREATED)
                                .getJsonObject("data")
                                .getString("body"));
            }
        }
    }

    @Test
    @Order(2)
    void everyEventTypeCrossesInstances() {
        TestUser alice = register(a);
        TestUser bob = register(b);
        TestUser carol = register(b);
        try (WsClient aliceWs = connect(a, alice);
                WsClient bobWs = connect(b, bob);
                WsClient carolWs = connect(b, carol)) {
            String room = createRoom(a, alice, bob);
            aliceWs.next(EventType.MEMBER_ADDED);
            bobWs.next(EventType.MEMBER_ADDED);
            String id = send(a, alice, room, "hello");
            assertEquals(
                    id,
                    bobWs.next(EventType.MESSAGE_CREATED).getJsonObject("data").getString("id"));
            a.as(alice.accessToken())
                    .body(Map.of("body", "edited"))
                    .patch("/api/rooms/{r}/messages/{m}", room, id)
                    .then()
                    .statusCode(200);
            assertEquals(
                    "edited",
                    bobWs.next(EventType.MESSAGE_UPDATED).getJsonObject("data").getString("body"));
            b.as(bob.accessToken())
                    .body(Map.of("typing", true))
                    .post("/api/rooms/{r}/typing", room)
                    .then()
                    .statusCode(204);
            b.as(bob.accessToken())
                    .body(Map.of("type", "read", "seq", 1))
                    .post("/api/rooms/{r}/receipts", room)
                    .then()
                    .statusCode(204);
            a.as(alice.accessToken())
                    .body(Map.of("name", "renamed"))
                    .patch("/api/rooms/{r}", room)
                    .then()
                    .statusCode(200);
            a.as(alice.accessToken())
                    .body(Map.of("userId", carol.id()))
                    .post("/api/rooms/{r}/members", room)
                    .then()
                    .statusCode(201);
            a.as(alice.accessToken())
                    .delete("/api/rooms/{r}/messages/{m}", room, id)
                    .then()
                    .statusCode(204);
            b.as(bob.accessToken())
                    .delete("/api/rooms/{r}/members/{u}", room, bob.id())
                    .then()
                    .statusCode(204);

            // Stream events arrive in commit order; typing and receipts carry no position of their own, so
            // they may come anywhere after the change they were checked against.
            List<EventType> stream = List.of(
                    EventType.MESSAGE_CREATED,
                    EventType.MESSAGE_UPDATED,
                    EventType.ROOM_UPDATED,
                    EventType.MEMBER_ADDED,
                    EventType.ROOM_UPDATED,
                    EventType.MESSAGE_DELETED,
                    EventType.MEMBER_REMOVED,
                    EventType.ROOM_UPDATED);
            List<EventType> aliceGot = types(aliceWs, stream.size() + 2);
            assertEquals(stream, withoutSignals(aliceGot));
            assertTrue(
                    aliceGot.contains(EventType.TYPING) && aliceGot.contains(EventType.RECEIPT), aliceGot.toString());
            // bob's first two were read above; his own typing is not for him; he leaves before the last.
            List<EventType> bobGot = types(bobWs, 6);
            assertEquals(stream.subList(2, stream.size() - 1), withoutSignals(bobGot));
            assertTrue(bobGot.contains(EventType.RECEIPT) && !bobGot.contains(EventType.TYPING), bobGot.toString());
            assertEquals(stream.subList(3, stream.size()), types(carolWs, stream.size() - 3));
            // bob left: the next message reaches alice and carol, never bob.
            send(a, alice, room, "after bob left");
            aliceWs.next(EventType.MESSAGE_CREATED);
            carolWs.next(EventType.MESSAGE_CREATED);
            b.as(bob.accessToken())
                    .body(Map.of("body", "not a member"))
                    .post("/api/rooms/{r}/messages", room)
                    .then()
                    .statusCode(404);
            bobWs.expectNothing();
        }
    }

    @Test
    @Order(3)
    void aRemovalCommittedOnOneInstanceCutsTheMemberOffOnTheOtherUnderConcurrentSends() throws Exception {
        for (int round = 0; round < 3; round++) {
            TestUser owner = register(a);
            TestUser onA = register(a);
            TestUser onB = register(b);
            TestUser removed = register(b);
            try (WsClient ownerWs = connect(a, owner);
                    WsClient removedWs = connect(b, removed)) {
                String room = createRoom(a, owner, onA, onB, removed);
                ownerWs.next(EventType.MEMBER_ADDED);
                removedWs.next(EventType.MEMBER_ADDED);
                ExecutorService senders = Executors.newFixedThreadPool(2);
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> running = new ArrayList<>();
                for (Object[] sender : new Object[][] {{a, onA}, {b, onB}}) {
                    running.add(senders.submit(() -> {
                        start.await();
                        for (int i = 0; i < 20; i++) {
                            send((Instance) sender[0], (TestUser) sender[1], room, "x" + i);
                        }
                        return null;
                    }));
                }
                start.countDown();
                Thread.sleep(20);
                a.as(owner.accessToken())
                        .delete("/api/rooms/{r}/members/{u}", room, removed.id())
                        .then()
                        .statusCode(204);
                for (Future<?> f : running) {
                    f.get(60, TimeUnit.SECONDS);
                }
                senders.shutdown();
                // The owner's stream is the commit order: what precedes member.removed there is all the removed
                // member may have received, and exactly that.
                List<Long> before = new ArrayList<>();
                for (int seen = 0; seen < 41; seen++) {
                    JsonObject frame = ownerWs.next();
                    if (EventType.MEMBER_REMOVED.wire().equals(frame.getString("type"))) {
                        break;
                    }
                    before.add(frame.getLong("seq"));
                }
                List<Long> got = new ArrayList<>();
                while (true) {
                    JsonObject frame = removedWs.next();
                    if (EventType.MEMBER_REMOVED.wire().equals(frame.getString("type"))) {
                        break;
                    }
                    got.add(frame.getLong("seq"));
                }
                assertEquals(before, got, "round " + round);
                removedWs.expectNothing();
            }
        }
    }

    @Test
    @Order(4)
    void presenceIsClusterWide() {
        TestUser alice = register(a);
        TestUser bob = register(b);
        createRoom(a, alice, bob);
        try (WsClient aliceWs = connect(a, alice)) {
            WsClient bobWs = connect(b, bob);
            JsonObject online = aliceWs.nextPresence();
            assertEquals(bob.id(), online.getJsonObject("data").getString("userId"));
            assertTrue(online.getJsonObject("data").getBoolean("online"));
            assertTrue(isOnline(a, alice, bob), "instance a sees bob, connected to b, online");
            // A second connection elsewhere: still one presence, no new frame when one of the two closes.
            WsClient bobOnA = connect(a, bob);
            bobWs.close();
            aliceWs.expectNoPresence();
            bobOnA.close();
            JsonObject offline = aliceWs.nextPresence();
            assertFalse(offline.getJsonObject("data").getBoolean("online"));
            assertTrue(offline.getJsonObject("data").getValue("lastSeenAt") != null);
        }
    }

    @Test
    @Order(5)
    void theConnectionCapCountsTheUsersConnectionsOnEveryInstance() {
        TestUser alice = register(a);
        List<WsClient> open = new ArrayList<>();
        try {
            open.add(connect(a, alice));
            open.add(connect(b, alice));
            // Each instance holds one of alice's two: only the cluster-wide count refuses the third.
            assertEquals(429, WsClient.refused(vertx, a.ws(), "Bearer " + alice.accessToken(), null));
            assertEquals(429, WsClient.refused(vertx, b.ws(), "Bearer " + alice.accessToken(), null));
            open.remove(0).close();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) { // the close reaches a, and a's uncount reaches Redis, a moment later
                try {
                    open.add(connect(b, alice));
                    break;
                } catch (AssertionError refusedStill) {
                    if (System.nanoTime() > deadline) {
                        throw refusedStill;
                    }
                }
            }
            assertEquals(429, WsClient.refused(vertx, a.ws(), "Bearer " + alice.accessToken(), null));
        } finally {
            open.forEach(WsClient::close);
        }
    }

    @Test
    @Order(6)
    void whenRedisRestartsNothingAcknowledgedIsLostAndTheSubscriptionComesBack() {
        TestUser alice = register(a);
        TestUser bob = register(b);
        try (WsClient aliceWs = connect(a, alice);
                WsClient bobWs = connect(b, bob)) {
            String room = createRoom(a, alice, bob);
            aliceWs.next(EventType.MEMBER_ADDED);
            bobWs.next(EventType.MEMBER_ADDED);
            send(a, alice, room, "before");
            bobWs.next(EventType.MESSAGE_CREATED);
            aliceWs.next(EventType.MESSAGE_CREATED);

            redis.stop();
            awaitHealth(a, "DOWN");
            a.request().get("/q/health/ready").then().statusCode(200);
            // Sends keep committing, and local delivery goes on.
            send(a, alice, room, "during");
            assertEquals(
                    "during",
                    aliceWs.next(EventType.MESSAGE_CREATED)
                            .getJsonObject("data")
                            .getString("body"));

            redis.start();
            awaitHealth(a, "UP");
            awaitHealth(b, "UP");
            send(a, alice, room, "after");
            aliceWs.next(EventType.MESSAGE_CREATED);
            // bob missed "during" while Redis was down (or got it after the re-read): either way "after"
            // arrives, and history has everything, gap-free.
            JsonObject next = bobWs.next(EventType.MESSAGE_CREATED);
            if ("during".equals(next.getJsonObject("data").getString("body"))) {
                next = bobWs.next(EventType.MESSAGE_CREATED);
            }
            assertEquals("after", next.getJsonObject("data").getString("body"));
            List<Object> bodies = b.as(bob.accessToken())
                    .get("/api/rooms/{r}/messages?after=0", room)
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath()
                    .getList("items.body");
            assertEquals(List.of("before", "during", "after"), bodies);
        }
    }

    /**
     * Redis drops a pub/sub client whose output buffer passes its limit (a subscriber that fell behind). Here
     * the limit is made tiny and one oversized publication goes over it: Redis itself closes both instances'
     * subscriptions, as it would a slow one's. Each instance must notice, subscribe again and re-read its
     * rooms, with no restart of anything; the garbage publication is ignored.
     */
    @Test
    @Order(7)
    void aSubscriptionRedisDropsForFallingBehindIsReplacedByItself() {
        TestUser alice = register(a);
        TestUser bob = register(b);
        try (WsClient aliceWs = connect(a, alice);
                WsClient bobWs = connect(b, bob)) {
            String room = createRoom(a, alice, bob);
            aliceWs.next(EventType.MEMBER_ADDED);
            bobWs.next(EventType.MEMBER_ADDED);
            double before = resubscriptions(b);

            String limit = redis.cli("CONFIG", "GET", "client-output-buffer-limit");
            redis.cli("CONFIG", "SET", "client-output-buffer-limit", "pubsub 1024 1024 0");
            try {
                // Every instance subscribes to every channel: this reaches (and overflows) both subscribers.
                String subscribers = redis.cli("PUBLISH", "chat:room:0", "x".repeat(64 * 1024));
                assertEquals("2", subscribers, "both instances were subscribed");
                awaitResubscribed(b, before);
            } finally {
                redis.cli(
                        "CONFIG",
                        "SET",
                        "client-output-buffer-limit",
                        limit.lines().skip(1).findFirst().orElseThrow());
            }
            awaitHealth(b, "UP");
            send(a, alice, room, "after the drop");
            assertEquals(
                    "after the drop",
                    bobWs.next(EventType.MESSAGE_CREATED).getJsonObject("data").getString("body"));
            aliceWs.next(EventType.MESSAGE_CREATED);
        }
    }

    @Test
    @Order(8)
    void theUsersOfAnInstanceKilledWithSigkillGoOfflineForEveryoneElse() {
        TestUser alice = register(a);
        TestUser bob = register(b);
        createRoom(a, alice, bob);
        try (WsClient aliceWs = connect(a, alice)) {
            connect(b, bob);
            assertTrue(aliceWs.nextPresence().getJsonObject("data").getBoolean("online"));
            long killed = System.nanoTime();
            b.kill();
            JsonObject offline = aliceWs.nextPresence(Duration.ofSeconds(15));
            assertFalse(offline.getJsonObject("data").getBoolean("online"));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            // instance TTL 2 s + a heartbeat or two: the documented bound, with room for a loaded machine
            assertTrue(ms < 10_000, "offline after " + ms + " ms");
            assertFalse(isOnline(a, alice, bob));
        } finally {
            b = Instance.start("b2", env);
        }
    }

    // ---- helpers ----

    private static TestUser register(Instance instance) {
        return Api.user(instance.request()
                .body(Map.of("username", Api.uniqueName("cl"), "password", Api.PASSWORD))
                .post("/api/auth/register")
                .then()
                .statusCode(201));
    }

    private static String createRoom(Instance instance, TestUser owner, TestUser... members) {
        List<String> ids = new ArrayList<>();
        for (TestUser member : members) {
            ids.add(member.id());
        }
        return instance.as(owner.accessToken())
                .body(Map.of("name", "cluster " + UUID.randomUUID(), "memberIds", ids))
                .post("/api/rooms")
                .then()
                .statusCode(201)
                .extract()
                .jsonPath()
                .getString("id");
    }

    private static String send(Instance instance, TestUser sender, String room, String body) {
        return instance.as(sender.accessToken())
                .body(Map.of("body", body))
                .post("/api/rooms/{r}/messages", room)
                .then()
                .statusCode(201)
                .extract()
                .jsonPath()
                .getString("id");
    }

    private static WsClient connect(Instance instance, TestUser user) {
        return WsClient.ready(vertx, instance.ws(), user.accessToken());
    }

    private static List<EventType> types(WsClient client, int count) {
        List<EventType> types = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            types.add(EventType.of(client.next().getString("type")));
        }
        return types;
    }

    private static List<EventType> withoutSignals(List<EventType> types) {
        return types.stream()
                .filter(t -> t != EventType.TYPING && t != EventType.RECEIPT)
                .toList();
    }

    private static boolean isOnline(Instance instance, TestUser caller, TestUser user) {
        return instance.as(caller.accessToken())
                .get("/api/users/{u}", user.id())
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getBoolean("online");
    }

    private static void awaitHealth(Instance instance, String status) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            String body = instance.request().get("/q/health").asString();
            if (body.contains("\"redis-fanout\"") && redisStatus(body).equals(status)) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("redis-fanout never " + status + " on port " + instance.port());
    }

    private static double resubscriptions(Instance instance) {
        String metrics = instance.request().get("/q/metrics").asString();
        return metrics.lines()
                .filter(line -> line.startsWith("chat_redis_resubscriptions_total"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static void awaitResubscribed(Instance instance, double before) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (resubscriptions(instance) <= before) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no resubscription on port " + instance.port());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static String redisStatus(String health) {
        JsonObject json = new JsonObject(health);
        for (Object check : json.getJsonArray("checks")) {
            JsonObject c = (JsonObject) check;
            if ("redis-fanout".equals(c.getString("name"))) {
                return c.getString("status");
            }
        }
        return "";
    }
}
