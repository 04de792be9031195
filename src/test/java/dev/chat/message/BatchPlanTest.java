package dev.chat.message;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * A send batch runs on the generic plans of its statements ({@link MessageRepository#BEGIN_BATCH}), and a
 * connection keeps the plan it made first. That plan is made here on the suite's small tables, never analyzed:
 * just what a new deployment starts with. It must still reach every row it reads through an index that names
 * the row, or a room's sends would read all of its members and messages once the room is big (as an {@code
 * EXISTS} planned as a hashed subplan did).
 */
@QuarkusTest
class BatchPlanTest {

    /**
     * An index range over all of one room's rows (members, messages), e.g. for a hashed subplan or a hash
     * join: a big room's batch would read all of them. Every lookup of the batch names its row.
     */
    private static final Pattern WHOLE_ROOM = Pattern.compile("Cond: \\(room_id = \\$1\\)$", Pattern.MULTILINE);

    @Inject
    Pool pool;

    @Test
    void shouldLockTheRoomThroughIndexesOnAGenericPlan() throws IOException {
        String plan = genericPlan("lock-room-for-batch", MessageRepository.LOCK_ROOM_FOR_BATCH);
        assertTrue(plan.contains("rooms_pkey"), plan);
        assertFalse(plan.contains("Seq Scan"), plan);
        assertFalse(WHOLE_ROOM.matcher(plan).find(), plan);
    }

    @Test
    void shouldDecideAndStoreABatchThroughIndexesOnAGenericPlan() throws IOException {
        String plan = genericPlan("batch-send", MessageRepository.BATCH_SEND);
        assertTrue(plan.contains("Insert on messages"), plan);
        assertFalse(plan.contains("Seq Scan"), plan);
        assertFalse(WHOLE_ROOM.matcher(plan).find(), plan);
    }

    /** EXPLAIN (GENERIC_PLAN) in a transaction opened as a batch's is; also written to target/explain. */
    private String genericPlan(String name, String sql) throws IOException {
        String plan = pool.withConnection(conn -> conn.query(MessageRepository.BEGIN_BATCH)
                        .execute()
                        .chain(() -> conn.query("EXPLAIN (GENERIC_PLAN) " + sql).execute())
                        .map(rows -> StreamSupport.stream(rows.spliterator(), false)
                                .map((Row row) -> row.getString(0))
                                .collect(Collectors.joining("\n")))
                        .eventually(() -> conn.query("ROLLBACK").execute()))
                .await()
                .atMost(Duration.ofSeconds(30));
        Files.createDirectories(Path.of("target", "explain"));
        Files.writeString(Path.of("target", "explain", name + ".txt"), sql + "\n\n" + plan);
        return plan;
    }
}
