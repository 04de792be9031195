package dev.chat.room;

import static dev.chat.support.Api.newUser;
import static dev.chat.support.RoomApi.group;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chat.message.MessageRepository;
import dev.chat.support.Tags;
import dev.chat.support.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue item 6: queries stay cheap as data grows. One room gets 100k messages (one INSERT ... SELECT
 * generate_series), its reader is also in 300 other rooms, and the production SQL is EXPLAIN ANALYZEd with
 * the same parameters the service binds. The plans are written to target/explain/ (src/bench/EXPLAIN.md
 * quotes them). The room list is one statement by construction; these tests check that it and history
 * walk messages_room_seq instead of scanning or sorting messages.
 *
 * <p>Tagged {@link Tags#HEAVY}: the fixture takes longer to make than the rest of the suite takes to run.
 */
@QuarkusTest
@Tag(Tags.HEAVY)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryPlanTest {

    private static final int MESSAGES = 100_000;
    private static final int OTHER_ROOMS = 300;
    private static final int PAGE = 50;
    private static final Path OUT = Path.of("target", "explain");

    @Inject
    Pool pool;

    private TestUser reader;
    private TestUser newcomer;
    private UUID bigRoom;
    private UUID writerId;

    /** Once per class, but not in @BeforeAll: RestAssured learns the test port only around each test. */
    @BeforeEach
    void fill() {
        if (bigRoom != null) {
            return;
        }
        TestUser writer = newUser();
        reader = newUser();
        newcomer = newUser(); // a member who has read nothing: the unread count's worst case
        UUID room = UUID.fromString(group(writer, reader, newcomer));
        writerId = UUID.fromString(writer.id());
        UUID readerId = UUID.fromString(reader.id());
        run("""
                INSERT INTO messages (id, room_id, seq, sender_id, body, created_at)
                SELECT gen_random_uuid(), $1, g, $2, 'message ' || g, now() - (100000 - g) * interval '1 second'
                FROM generate_series(1, 100000) g""", Tuple.of(room, writerId));
        run("UPDATE rooms SET last_seq = 100000, last_activity = now() WHERE id = $1", Tuple.of(room));
        // The reader has read most of it: a realistic watermark.
        run(
                "UPDATE memberships SET last_read_seq = 99990, last_delivered_seq = 99990 WHERE room_id = $1 AND user_id = $2",
                Tuple.of(room, readerId));
        run("""
                WITH r AS (
                    INSERT INTO rooms (id, type, name, created_at, last_seq, last_activity, member_count)
                    SELECT gen_random_uuid(), 'group', 'room ' || g, now(), 0, now() - g * interval '1 minute', 1
                    FROM generate_series(1, 300) g RETURNING id)
                INSERT INTO memberships (room_id, user_id, role, joined_at) SELECT id, $1, 'owner', now() FROM r""", Tuple.of(readerId));
        // Ten other members in each of those rooms (3,000 users made in SQL: no login needed). Without them
        // memberships would be a few pages, which PostgreSQL rightly reads whole: the plans checked here are
        // those of a database with people in it, whatever else ran before (the suite or nothing).
        run("""
                WITH u AS (
                    INSERT INTO users (id, username, display_name, password_hash, created_at)
                    SELECT gen_random_uuid(), 'qp' || g || '-' || substr(md5(random()::text), 1, 8), 'Member ' || g,
                           'no login', now()
                    FROM generate_series(1, 3000) g RETURNING id),
                numbered AS (SELECT id, row_number() OVER () AS n FROM u),
                others AS (SELECT room_id, row_number() OVER () AS n FROM memberships
                           WHERE user_id = $1 AND room_id <> $2)
                INSERT INTO memberships (room_id, user_id, role, joined_at)
                SELECT o.room_id, u.id, 'member', now() FROM numbered u JOIN others o ON o.n = u.n % 300 + 1""", Tuple.of(readerId, room));
        run(
                "UPDATE rooms SET member_count = member_count + 10 WHERE id IN"
                        + " (SELECT room_id FROM memberships WHERE user_id = $1 AND room_id <> $2)",
                Tuple.of(readerId, room));
        run("ANALYZE users", Tuple.tuple());
        run("ANALYZE rooms", Tuple.tuple());
        run("ANALYZE memberships", Tuple.tuple());
        run("ANALYZE messages", Tuple.tuple());
        bigRoom = room;
    }

    @Test
    void shouldReadTheLatestHistoryPageAlongTheRoomSeqIndex() throws IOException {
        String plan = explain(
                "history-latest", MessageRepository.HISTORY_LATEST, Tuple.of(bigRoom, readerId(), (long) PAGE + 1));
        assertWalksIndexWithoutSort(plan);
    }

    @Test
    void shouldReadAPageBeforeASeqAlongTheRoomSeqIndex() throws IOException {
        String plan = explain(
                "history-before",
                MessageRepository.HISTORY_BEFORE,
                Tuple.of(bigRoom, readerId(), 50_000L, (long) PAGE + 1));
        assertWalksIndexWithoutSort(plan);
    }

    @Test
    void shouldReadAPageAfterASeqAlongTheRoomSeqIndex() throws IOException {
        String plan = explain(
                "history-after",
                MessageRepository.HISTORY_AFTER,
                Tuple.of(bigRoom, readerId(), 99_000L, (long) PAGE + 1));
        assertWalksIndexWithoutSort(plan);
    }

    @Test
    void shouldBuildTheRoomListInOneStatementUsingTheRoomSeqIndex() throws IOException {
        String plan = explain(
                "room-list",
                RoomListQuery.SQL,
                Tuple.from(Arrays.asList(UUID.fromString(reader.id()), null, null, (long) PAGE + 1)));
        assertTrue(plan.contains("messages_room_seq"), plan);
        assertFalse(plan.contains("Seq Scan on messages"), plan);
    }

    @Test
    void shouldWalkTheIndexForTheNextRoomListPageToo() throws IOException {
        // Second page: the cursor of the 51st most recent room.
        String plan = explain(
                "room-list-cursor",
                RoomListQuery.SQL,
                Tuple.from(Arrays.asList(
                        UUID.fromString(reader.id()),
                        MessageRepository.utc(java.time.Instant.now().minusSeconds(3600)),
                        UUID.randomUUID(),
                        (long) PAGE + 1)));
        assertTrue(plan.contains("messages_room_seq"), plan);
        assertFalse(plan.contains("Seq Scan on messages"), plan);
    }

    @Test
    void shouldCountAHundredThousandUnreadByIndexRangeAndKeepTheQueryCount() throws IOException {
        String plan = explain(
                "room-list-100k-unread",
                RoomListQuery.SQL,
                Tuple.from(Arrays.asList(UUID.fromString(newcomer.id()), null, null, (long) PAGE + 1)));
        // A bitmap ("Bitmap Index Scan on messages_room_seq") or a plain index scan ("using messages_room_seq"),
        // as the statistics of the moment make the planner choose: both count by index range.
        assertTrue(plan.contains("messages_room_seq"), plan);
        assertFalse(plan.contains("Seq Scan on messages"), plan);
    }

    /**
     * A batch of two rooms: the big room's writer, who sent all of its 100,000 messages, and a reader in a room of
     * its own, with clientMessageIds and a reply: every lookup of the batch (membership, reply target, earlier clientMessageId, watermarks) is a probe of the
     * row it names, not a walk over the room's messages or members or over the sender's messages.
     */
    @Test
    void shouldDecideAndStoreASendBatchByIndexProbesOnly() throws IOException {
        int n = 8;
        UUID[] rooms = new UUID[n];
        UUID[] ids = new UUID[n];
        UUID[] senders = new UUID[n];
        String[] bodies = new String[n];
        String[] clientIds = new String[n];
        UUID[] replies = new UUID[n];
        UUID target = pool.preparedQuery("SELECT id FROM messages WHERE room_id = $1 AND seq = 5000")
                .execute(Tuple.of(bigRoom))
                .await()
                .indefinitely()
                .iterator()
                .next()
                .getUUID(0);
        // Two rooms in one batch: the writer's sends go to the big room, the reader's to a room of its own.
        UUID readersRoom = pool.preparedQuery(
                        "SELECT room_id FROM memberships WHERE user_id = $1 AND room_id <> $2 LIMIT 1")
                .execute(Tuple.of(readerId(), bigRoom))
                .await()
                .indefinitely()
                .iterator()
                .next()
                .getUUID(0);
        for (int i = 0; i < n; i++) {
            senders[i] = i % 2 == 0 ? writerId : readerId();
            rooms[i] = i % 2 == 0 ? bigRoom : readersRoom;
            ids[i] = UUID.randomUUID();
            bodies[i] = "batch " + i;
            clientIds[i] = UUID.randomUUID().toString();
            replies[i] = i == 2 ? target : null;
        }
        // Run by EXPLAIN ANALYZE, in a transaction rolled back: the other plans' fixture stays as it is.
        SqlConnection connection = pool.getConnection().await().indefinitely();
        Transaction tx = connection.begin().await().indefinitely();
        String plan;
        try {
            plan = explain(connection, "batch-send", MessageRepository.BATCH_SEND, Tuple.from(new Object[] {
                rooms, ids, senders, bodies, clientIds, replies, OffsetDateTime.now()
            }));
        } finally {
            tx.rollback().await().indefinitely();
            connection.closeAndAwait();
        }
        assertFalse(plan.contains("Seq Scan"), plan);
        assertFalse(plan.contains("using messages_sender "), plan);
        assertFalse(
                Pattern.compile("Cond: \\(room_id = ('[^']*'::uuid|\\$1)\\)$", Pattern.MULTILINE)
                        .matcher(plan)
                        .find(),
                plan);
        assertTrue(plan.contains("Insert on messages"), plan);
    }

    private UUID readerId() {
        return UUID.fromString(reader.id());
    }

    private static void assertWalksIndexWithoutSort(String plan) {
        assertTrue(plan.contains("Index Scan") && plan.contains("using messages_room_seq on messages"), plan);
        assertFalse(plan.contains("Seq Scan"), plan);
        assertFalse(plan.contains("Sort"), plan);
    }

    private String explain(String name, String sql, Tuple params) throws IOException {
        return explain(pool, name, sql, params);
    }

    private static String explain(SqlClient client, String name, String sql, Tuple params) throws IOException {
        String plan = StreamSupport.stream(
                        client.preparedQuery("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                                .execute(params)
                                .await()
                                .indefinitely()
                                .spliterator(),
                        false)
                .map((Row row) -> row.getString(0))
                .collect(Collectors.joining("\n"));
        Files.createDirectories(OUT);
        Files.writeString(OUT.resolve(name + ".txt"), sql + "\n\n" + plan + "\n");
        return plan;
    }

    private void run(String sql, Tuple params) {
        pool.preparedQuery(sql).execute(params).await().indefinitely();
    }
}
