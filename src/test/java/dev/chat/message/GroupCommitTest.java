package dev.chat.message;

import static dev.chat.support.Api.newUser;
import static dev.chat.support.RoomApi.group;
import static dev.chat.support.RoomApi.sendForId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chat.support.TestUser;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntSupplier;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Group commit: sends that queue behind a room's transaction are written together, and each gets the answer
 * it would have got alone. To make the batch certain rather than likely, the test holds the room's row lock
 * while a first send (the plug) waits on it and the others queue behind; releasing the lock lets the plug
 * commit alone and the queued sends go in one transaction.
 */
@QuarkusTest
class GroupCommitTest {

    static final int MAX_QUEUED = 50; // %test.chat.sends.max-queued-per-room

    private static final String MESSAGES = "/api/rooms/{roomId}/messages";
    private static final Duration QUEUE_WAIT = Duration.ofSeconds(15); // the lock holder idles 30 s at most

    @Inject
    Pool pool;

    @Inject
    SendBatcher batcher;

    @Inject
    MeterRegistry metrics;

    private ExecutorService threads;
    private final List<SqlConnection> holders = new ArrayList<>();

    @BeforeEach
    void start() {
        threads = Executors.newFixedThreadPool(64);
    }

    @AfterEach
    void stop() {
        threads.shutdownNow();
        holders.forEach(holder -> holder.close().await().indefinitely());
        holders.clear();
        rows("ALTER TABLE messages DROP CONSTRAINT IF EXISTS group_commit_test_poison");
    }

    /** One request of a batch and the answer it must get alone. */
    private record Call(String label, TestUser sender, Map<String, Object> body, int expected) {
        /** A NUL is refused while the JSON is read (400), before the request could queue. */
        boolean queues() {
            return !label.equals("nul");
        }
    }

    /**
     * Text PostgreSQL refuses inside a batch: the service refuses what it knows (a NUL) before it queues, so
     * the test gives PostgreSQL a rule of its own, a check constraint on this marker, for the length of the test.
     */
    private static final String POISON = "poison-" + UUID.randomUUID();

    @Test
    void whenAMixedBatchCommitsEachRequestGetsItsOwnAnswerAndSeqsStayGapFree() throws Exception {
        List<TestUser> members = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            members.add(newUser());
        }
        TestUser stranger = newUser();
        String roomId = group(members.get(0), members.subList(1, members.size()).toArray(TestUser[]::new));
        String otherRoom = group(stranger);
        String foreign = sendForId(stranger, otherRoom, "in another room");
        String local = sendForId(members.get(0), roomId, "a reply target"); // seq 1
        String original = members.get(1)
                .as()
                .body(Map.of("body", "stored before", "clientMessageId", "stored-1"))
                .post(MESSAGES, roomId)
                .then()
                .statusCode(201)
                .extract()
                .path("id"); // seq 2

        List<Call> calls = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            calls.add(new Call("plain", members.get(i % members.size()), Map.of("body", "plain " + i), 201));
        }
        for (int i = 0; i < 4; i++) {
            calls.add(new Call("stranger", stranger, Map.of("body", "not a member " + i), 404));
            calls.add(new Call("foreign reply", members.get(i), Map.of("body", "re " + i, "replyToId", foreign), 400));
            calls.add(new Call("local reply", members.get(i), Map.of("body", "re " + i, "replyToId", local), 201));
        }
        calls.add(new Call(
                "retry of a stored one", members.get(1), Map.of("body", "again", "clientMessageId", "stored-1"), 200));
        for (int i = 0; i < 3; i++) { // racing retries inside the batch: one stores, the others get it
            calls.add(new Call("dup", members.get(2), Map.of("body", "dup", "clientMessageId", "dup-1"), 0));
        }
        calls.add(new Call(
                "same id, other sender", members.get(3), Map.of("body", "mine", "clientMessageId", "dup-1"), 201));
        // One clientMessageId, a bad reply target and a good one: whichever comes first, one message is stored;
        // the bad one is a 400 if it came first, else a retry of the stored one (200).
        calls.add(new Call(
                "fix", members.get(0), Map.of("body", "fix bad", "clientMessageId", "fix-1", "replyToId", foreign), 0));
        calls.add(new Call(
                "fix", members.get(0), Map.of("body", "fix good", "clientMessageId", "fix-1", "replyToId", local), 0));
        for (int i = 0; i < 2; i++) { // PostgreSQL refuses these: the whole insert fails, only these may
            calls.add(new Call("unstorable", members.get(4), Map.of("body", POISON + " " + i), 500));
            calls.add(new Call("nul", members.get(4), Map.of("body", "bad \u0000 text " + i), 400));
        }
        rows("ALTER TABLE messages ADD CONSTRAINT group_commit_test_poison CHECK (body NOT LIKE '" + POISON
                + "%') NOT VALID");

        holdRoomLock(roomId);
        Future<ExtractableResponse<Response>> plug =
                post(members.get(5), roomId, Map.of("body", "the plug")); // waits on the lock
        waitFor(this::lockWaiters, 1);
        List<Future<ExtractableResponse<Response>>> answers = new ArrayList<>();
        for (Call call : calls) {
            answers.add(post(call.sender(), roomId, call.body()));
        }
        UUID room = UUID.fromString(roomId);
        int queueing = (int) calls.stream().filter(Call::queues).count();
        waitFor(() -> batcher.queued(room), queueing); // every request queued behind the plug: one batch
        releaseRoomLock();

        assertEquals(201, plug.get().statusCode(), plug.get().asString());
        Set<Long> createdSeqs = new HashSet<>();
        createdSeqs.add(plug.get().jsonPath().getLong("seq"));
        Map<Integer, Integer> dupStatuses = new HashMap<>();
        Set<String> dupIds = new HashSet<>();
        List<Integer> fixStatuses = new ArrayList<>();
        Set<String> fixIds = new HashSet<>();
        for (int i = 0; i < calls.size(); i++) {
            Call call = calls.get(i);
            ExtractableResponse<Response> answer = answers.get(i).get();
            if (call.label().equals("dup")) {
                dupStatuses.merge(answer.statusCode(), 1, Integer::sum);
                dupIds.add(answer.path("id"));
                if (answer.statusCode() == 201) {
                    createdSeqs.add(answer.jsonPath().getLong("seq"));
                }
                continue;
            }
            if (call.label().equals("fix")) {
                fixStatuses.add(answer.statusCode());
                if (answer.statusCode() < 300) {
                    fixIds.add(answer.path("id"));
                    assertEquals("fix good", answer.path("body"));
                }
                if (answer.statusCode() == 201) {
                    createdSeqs.add(answer.jsonPath().getLong("seq"));
                }
                continue;
            }
            assertEquals(call.expected(), answer.statusCode(), call.label() + ": " + answer.asString());
            if (call.expected() == 201) {
                assertTrue(createdSeqs.add(answer.jsonPath().getLong("seq")), "one seq per message");
                if (call.label().equals("local reply")) {
                    assertEquals(local, answer.path("replyToId"));
                }
            } else if (call.expected() == 200) {
                assertEquals(original, answer.path("id"));
            } else {
                assertTrue(answer.contentType().startsWith("application/problem+json"), answer.contentType());
            }
        }
        assertEquals(Map.of(201, 1, 200, 2), dupStatuses, "racing retries store once");
        assertEquals(1, dupIds.size(), "every retry answers the one stored message");
        fixStatuses.sort(null);
        assertTrue(
                fixStatuses.equals(List.of(201, 400)) || fixStatuses.equals(List.of(200, 201)),
                "one clientMessageId, bad and good reply target: " + fixStatuses);
        assertEquals(1, fixIds.size(), "the good one is stored once");

        // Stored: seq 1..n without a gap, exactly the 201s (and the two sent before), nothing refused.
        long expected =
                2 + 1 + 16 + 4 + 1 + 1 + 1; // before, plug, plain, local replies, dup-1 once, other sender, fix-1
        assertEquals(expected - 2, createdSeqs.size());
        List<Row> rows = rows("SELECT seq, sender_id, body FROM messages WHERE room_id = $1 ORDER BY seq", room);
        assertEquals(
                LongStream.rangeClosed(1, expected).boxed().toList(),
                rows.stream().map(r -> r.getLong("seq")).toList());
        assertTrue(createdSeqs.stream().allMatch(seq -> seq > 2 && seq <= expected), createdSeqs.toString());
        assertTrue(
                rows.stream().noneMatch(r -> r.getUUID("sender_id").toString().equals(stranger.id())));
        assertTrue(rows.stream().noneMatch(r -> r.getString("body").startsWith("bad")));
        assertTrue(rows.stream().noneMatch(r -> r.getString("body").startsWith(POISON)));
        members.get(0).as().get("/api/rooms/{roomId}", roomId).then().statusCode(200);
        assertEquals(
                expected,
                members.get(0)
                        .as()
                        .get("/api/rooms/{roomId}", roomId)
                        .jsonPath()
                        .getLong("lastSeq"));
        // Each sender's read watermark moved to its own last message of the batch.
        for (TestUser member : members) {
            assertReadWatermarkAtOwnLastMessage(room, member);
        }
        waitFor(batcher::activeLanes, 0);
    }

    /**
     * While {@code chat.sends.max-transactions} (2) send transactions wait, here on two rooms' locks, the sends of
     * other rooms queue and then go in one transaction together, decided and stored by one statement: each send
     * still gets its own answer, and each room its own gap-free seqs, stream positions and senders' watermarks.
     */
    @Test
    void whenSendsOfSeveralRoomsWaitTheyCommitInOneTransactionEachWithItsOwnAnswer() throws Exception {
        TestUser alice = newUser();
        TestUser bob = newUser();
        TestUser stranger = newUser();
        String plugged1 = group(alice);
        String plugged2 = group(alice);
        List<String> rooms = List.of(group(alice, bob), group(alice, bob), group(alice));
        String foreign = sendForId(alice, rooms.get(1), "a message of the second room"); // seq 1 there
        String stored = alice.as()
                .body(Map.of("body", "stored before", "clientMessageId", "twice"))
                .post(MESSAGES, rooms.get(0))
                .then()
                .statusCode(201)
                .extract()
                .path("id"); // seq 1 there
        Map<String, Long> eventsBeyondSeqs = new HashMap<>(); // last_event - last_seq: sends move both alike
        for (String room : rooms) {
            eventsBeyondSeqs.put(room, eventsBeyondSeqs(room));
        }

        double transactionsBefore = transactions();
        holdRoomLock(plugged1, plugged2);
        Future<ExtractableResponse<Response>> plug1 = post(alice, plugged1, Map.of("body", "plug 1"));
        waitFor(this::lockWaiters, 1);
        Future<ExtractableResponse<Response>> plug2 = post(alice, plugged2, Map.of("body", "plug 2"));
        waitFor(this::lockWaiters, 2);

        // room 0: two plain sends, a retry of the one stored before, a stranger's send
        // room 1: the same clientMessageId as room 0's (another room: stored too), a plain send
        // room 2: a reply to room 1's message (400), a plain send
        List<Call> calls = List.of(
                new Call("0", alice, Map.of("body", "zero a"), 201),
                new Call("0", bob, Map.of("body", "zero b"), 201),
                new Call("0", alice, Map.of("body", "again", "clientMessageId", "twice"), 200),
                new Call("0", stranger, Map.of("body", "not a member"), 404),
                new Call("1", alice, Map.of("body", "one a", "clientMessageId", "twice"), 201),
                new Call("1", bob, Map.of("body", "one b"), 201),
                new Call("2", alice, Map.of("body", "two a", "replyToId", foreign), 400),
                new Call("2", alice, Map.of("body", "two b"), 201));
        List<Future<ExtractableResponse<Response>>> answers = new ArrayList<>();
        for (Call call : calls) {
            answers.add(post(call.sender(), rooms.get(Integer.parseInt(call.label())), call.body()));
        }
        waitFor(
                () -> rooms.stream()
                        .mapToInt(room -> batcher.queued(UUID.fromString(room)))
                        .sum(),
                calls.size());
        releaseRoomLock();

        assertEquals(201, plug1.get().statusCode(), plug1.get().asString());
        assertEquals(201, plug2.get().statusCode(), plug2.get().asString());
        for (int i = 0; i < calls.size(); i++) {
            Call call = calls.get(i);
            ExtractableResponse<Response> answer = answers.get(i).get();
            assertEquals(call.expected(), answer.statusCode(), call.body() + ": " + answer.asString());
            if (call.expected() == 200) {
                assertEquals(stored, answer.path("id"));
            }
        }
        waitFor(batcher::activeLanes, 0);
        assertEquals(3, transactions() - transactionsBefore, "the two plugs', then one for the three rooms' sends");
        // Each room: seq 1..n without a gap, the message sent before first, then the batch's (in queue order,
        // which the concurrent posts leave open).
        Map<String, List<String>> bodies = Map.of(
                rooms.get(0), List.of("stored before", "zero a", "zero b"),
                rooms.get(1), List.of("a message of the second room", "one a", "one b"),
                rooms.get(2), List.of("two b"));
        for (var room : bodies.entrySet()) {
            List<Row> rows = rows(
                    "SELECT seq, body FROM messages WHERE room_id = $1 ORDER BY seq", UUID.fromString(room.getKey()));
            assertEquals(
                    LongStream.rangeClosed(1, room.getValue().size()).boxed().toList(),
                    rows.stream().map(r -> r.getLong("seq")).toList());
            List<String> kept = rows.stream().map(r -> r.getString("body")).toList();
            assertEquals(room.getValue().get(0), kept.get(0));
            assertEquals(Set.copyOf(room.getValue()), Set.copyOf(kept));
            assertEquals(eventsBeyondSeqs.get(room.getKey()), eventsBeyondSeqs(room.getKey()));
            for (TestUser member : room.getKey().equals(rooms.get(2)) ? List.of(alice) : List.of(alice, bob)) {
                assertReadWatermarkAtOwnLastMessage(UUID.fromString(room.getKey()), member);
            }
        }
    }

    /** A member's read watermark in the room is its own last message there (0 if it sent none). */
    private void assertReadWatermarkAtOwnLastMessage(UUID room, TestUser member) {
        Row row = rows("""
                        SELECT ms.last_read_seq, COALESCE((SELECT max(x.seq) FROM messages x
                            WHERE x.room_id = ms.room_id AND x.sender_id = ms.user_id), 0) AS last
                        FROM memberships ms WHERE ms.room_id = $1 AND ms.user_id = $2""", room, UUID.fromString(member.id())).get(0);
        assertEquals(row.getLong("last"), row.getLong("last_read_seq"), "read watermark of " + member.username());
    }

    private long eventsBeyondSeqs(String roomId) {
        return rows("SELECT last_event - last_seq FROM rooms WHERE id = $1", UUID.fromString(roomId))
                .get(0)
                .getLong(0);
    }

    /**
     * A batch of several rooms that gives up waiting for one room's lock (cancelled here, as a lock or statement
     * timeout would end it) goes again one room per transaction: only the locked room's send fails (503), the
     * others commit.
     */
    @Test
    void whenABatchOfSeveralRoomsGivesUpOnOneRoomsLockOnlyThatRoomsSendsFail() throws Exception {
        TestUser owner = newUser();
        String plugged1 = group(owner);
        String plugged2 = group(owner);
        String locked = group(owner);
        List<String> free = List.of(group(owner), group(owner));
        double transactionsBefore = transactions();
        SqlConnection plugs = holdRoomLock(plugged1, plugged2);
        holdRoomLock(locked);
        Future<ExtractableResponse<Response>> plug1 = post(owner, plugged1, Map.of("body", "plug 1"));
        waitFor(this::lockWaiters, 1);
        Future<ExtractableResponse<Response>> plug2 = post(owner, plugged2, Map.of("body", "plug 2"));
        waitFor(this::lockWaiters, 2);
        Future<ExtractableResponse<Response>> toLocked = post(owner, locked, Map.of("body", "stuck"));
        List<Future<ExtractableResponse<Response>>> toFree = new ArrayList<>();
        for (String room : free) {
            toFree.add(post(owner, room, Map.of("body", "free")));
        }
        waitFor(
                () -> Stream.concat(Stream.of(locked), free.stream())
                        .mapToInt(room -> batcher.queued(UUID.fromString(room)))
                        .sum(),
                3);
        release(plugs); // the plugs commit; the three rooms' sends go in one batch, which waits for `locked`
        assertEquals(201, plug1.get().statusCode(), plug1.get().asString());
        assertEquals(201, plug2.get().statusCode(), plug2.get().asString());
        waitFor(this::lockWaiters, 1);
        cancelLockWaiter(); // the batch gives up; room by room, `locked` waits again and the free rooms commit
        for (Future<ExtractableResponse<Response>> answer : toFree) {
            assertEquals(201, answer.get().statusCode(), answer.get().asString());
        }
        waitFor(this::lockWaiters, 1);
        cancelLockWaiter();
        assertEquals(503, toLocked.get().statusCode(), toLocked.get().asString());
        assertNotEquals(null, toLocked.get().header("Retry-After"));
        waitFor(batcher::activeLanes, 0);
        // committed: the two plugs, then each free room alone (the failed batch and the locked room count none)
        assertEquals(4, transactions() - transactionsBefore);
        releaseRoomLock();
        assertEquals(
                0,
                rows("SELECT 1 FROM messages WHERE room_id = $1", UUID.fromString(locked))
                        .size());
    }

    @Test
    void whenMoreSendsQueueThanTheBoundTheRestAreRefusedWith429AndNotStored() throws Exception {
        TestUser owner = newUser();
        String roomId = group(owner);
        UUID room = UUID.fromString(roomId);
        holdRoomLock(roomId);
        Future<ExtractableResponse<Response>> plug = post(owner, roomId, Map.of("body", "the plug"));
        waitFor(this::lockWaiters, 1);
        List<Future<ExtractableResponse<Response>>> answers = new ArrayList<>();
        for (int i = 0; i < MAX_QUEUED; i++) {
            answers.add(post(owner, roomId, Map.of("body", "queued " + i)));
        }
        waitFor(() -> batcher.queued(room), MAX_QUEUED);
        List<ExtractableResponse<Response>> refused = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            refused.add(post(owner, roomId, Map.of("body", "one too many " + i)).get());
        }
        releaseRoomLock();

        for (ExtractableResponse<Response> answer : refused) {
            assertEquals(429, answer.statusCode(), answer.asString());
            assertTrue(answer.contentType().startsWith("application/problem+json"), answer.contentType());
            assertNotEquals(null, answer.header("Retry-After"));
        }
        assertEquals(201, plug.get().statusCode());
        for (Future<ExtractableResponse<Response>> answer : answers) {
            assertEquals(201, answer.get().statusCode(), answer.get().asString());
        }
        assertEquals(
                LongStream.rangeClosed(1, MAX_QUEUED + 1).boxed().toList(),
                rows("SELECT seq FROM messages WHERE room_id = $1 ORDER BY seq", room).stream()
                        .map(r -> r.getLong(0))
                        .toList());
        waitFor(batcher::activeLanes, 0);
    }

    @Test
    void whenABatchFailsAsAWholeEveryQueuedSendIsAnswered503AndNothingIsStored() throws Exception {
        TestUser owner = newUser();
        String roomId = group(owner);
        UUID room = UUID.fromString(roomId);
        holdRoomLock(roomId);
        Future<ExtractableResponse<Response>> plug = post(owner, roomId, Map.of("body", "the plug"));
        waitFor(this::lockWaiters, 1);
        List<Future<ExtractableResponse<Response>>> answers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            answers.add(post(owner, roomId, Map.of("body", "queued " + i)));
        }
        waitFor(() -> batcher.queued(room), 10);
        // The plug's transaction fails (its lock wait is cancelled, as a lock timeout would): the plug gets 503,
        // and the queued sends go in the next batch, which fails the same way: each of them gets 503.
        cancelLockWaiter();
        assertEquals(503, plug.get().statusCode(), plug.get().asString());
        waitFor(() -> batcher.queued(room), 0);
        waitFor(this::lockWaiters, 1);
        cancelLockWaiter();
        for (Future<ExtractableResponse<Response>> answer : answers) {
            assertEquals(503, answer.get().statusCode(), answer.get().asString());
            assertNotEquals(null, answer.get().header("Retry-After"));
        }
        releaseRoomLock();
        assertEquals(0, rows("SELECT 1 FROM messages WHERE room_id = $1", room).size());
        waitFor(batcher::activeLanes, 0);
        // The lane works again afterwards, from seq 1.
        assertEquals(
                1L,
                owner.as()
                        .body(Map.of("body", "after"))
                        .post(MESSAGES, roomId)
                        .then()
                        .statusCode(201)
                        .extract()
                        .jsonPath()
                        .getLong("seq"));
    }

    private Future<ExtractableResponse<Response>> post(TestUser sender, String roomId, Map<String, Object> body) {
        return threads.submit(
                () -> sender.as().body(body).post(MESSAGES, roomId).then().extract());
    }

    /** Takes the rooms' row locks in a transaction of a connection of the test's, held until released. */
    private SqlConnection holdRoomLock(String... roomIds) {
        SqlConnection holder = pool.getConnection().await().indefinitely();
        holders.add(holder);
        holder.query("BEGIN").execute().await().indefinitely();
        holder.preparedQuery("SELECT 1 FROM rooms WHERE id = ANY($1) FOR UPDATE")
                .execute(Tuple.of(Stream.of(roomIds).map(UUID::fromString).toArray(UUID[]::new)))
                .await()
                .indefinitely();
        return holder;
    }

    private void releaseRoomLock() {
        holders.forEach(GroupCommitTest::release);
    }

    private static void release(SqlConnection holder) {
        holder.query("ROLLBACK").execute().await().indefinitely();
    }

    /** Send batches committed so far (chat.messages.batch.size counts each; none before the first). */
    private double transactions() {
        DistributionSummary sizes = metrics.find("chat.messages.batch.size").summary();
        return sizes == null ? 0 : sizes.count();
    }

    /** Service sessions waiting for a room's row lock in a batch's first statement. */
    private int lockWaiters() {
        return rows("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                        + " AND query LIKE '%FOR UPDATE OF r%' AND pid <> pg_backend_pid()")
                .get(0)
                .getLong(0)
                .intValue();
    }

    private void cancelLockWaiter() {
        rows("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                + " AND query LIKE '%FOR UPDATE OF r%' AND pid <> pg_backend_pid()");
    }

    private static void waitFor(IntSupplier value, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + QUEUE_WAIT.toNanos();
        while (value.getAsInt() != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(expected, value.getAsInt());
    }

    private List<Row> rows(String sql, Object... params) {
        List<Row> out = new ArrayList<>();
        pool.preparedQuery(sql)
                .execute(Tuple.from(params))
                .await()
                .indefinitely()
                .forEach(out::add);
        return out;
    }
}
