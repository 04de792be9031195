package dev.chat.message;

import dev.chat.room.Role;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * Messages and the watermarks they move, in plain SQL on the reactive PostgreSQL client rather than through
 * Hibernate: a batch of sends is one data-modifying CTE over arrays (seqs, inserts, senders' watermarks in one
 * round trip, {@code UPDATE ... RETURNING}, {@code unnest}), which an entity model cannot express, history is
 * one LATERAL join on the caller's membership, and the room list reads these rows
 * through LATERAL joins. There is therefore no message entity: rows map straight to {@link MessageView}.
 *
 * <p>Every method takes the {@link SqlClient} to run on (a transaction's connection, or the pool), so that
 * the caller decides the transaction boundary.
 */
@ApplicationScoped
public class MessageRepository {

    /** The column list that {@link #view(Row, String)} reads, for queries in other packages (room list). */
    public static final String COLUMNS =
            "id, room_id, seq, sender_id, body, client_message_id, reply_to_id, created_at, edited_at, deleted";

    /**
     * Takes the room's next stream position for a change other than a send, and with it the room row lock,
     * held to commit: changes of one room get their positions in commit order.
     */
    private static final String NEXT_POSITION =
            "UPDATE rooms SET last_event = last_event + 1 WHERE id = $1 RETURNING last_event";

    /**
     * History in one round trip: the caller's membership row ($2), joined to the page. No row: not a member
     * (404); one row of nulls: a member of a room without messages in that range; else the page. The LATERAL
     * subquery keeps its LIMIT (so it is not flattened) and is one range scan of messages_room_seq, run only
     * for a member. Rows come in the scan's order; {@link #page} sorts them ascending.
     */
    private static final String HISTORY = "SELECT x.* FROM memberships ms LEFT JOIN LATERAL (SELECT " + COLUMNS
            + " FROM messages WHERE room_id = $1 %s LIMIT %s) x ON true WHERE ms.room_id = $1 AND ms.user_id = $2";

    /** History: the newest page, read backwards along messages_room_seq. */
    public static final String HISTORY_LATEST = HISTORY.formatted("ORDER BY seq DESC", "$3");

    /** History: the page just before seq $3, read backwards along messages_room_seq. */
    public static final String HISTORY_BEFORE = HISTORY.formatted("AND seq < $3 ORDER BY seq DESC", "$4");

    /** History/catch-up: the page just after seq $3, read forwards along messages_room_seq. */
    public static final String HISTORY_AFTER = HISTORY.formatted("AND seq > $3 ORDER BY seq", "$4");

    /**
     * The room row locks for a batch of sends (group commit, {@link SendBatcher}), whose requests may be of several
     * rooms: $1 and $2 pair each request's room with its sender. A room is locked when at least one of its
     * requests' senders is a member, so that strangers alone cannot queue on a room's lock; and the rooms are
     * locked in the order of their ids (the row locks are taken above the sort), so that two batches that share
     * rooms, on two instances, wait for each other rather than deadlock.
     */
    private static final String LOCK_ROOMS_FOR_BATCH = """
            SELECT 1 FROM rooms r WHERE r.id IN (
                SELECT t.room_id FROM unnest($1::uuid[], $2::uuid[]) AS t(room_id, sender_id)
                WHERE EXISTS (SELECT 1 FROM memberships m WHERE m.room_id = t.room_id AND m.user_id = t.sender_id))
            ORDER BY r.id
            FOR UPDATE OF r""";

    /**
     * A batch of sends, of one room or several, decided and stored in one statement, run just after {@link
     * #LOCK_ROOMS_FOR_BATCH} in the same transaction (so that its snapshot is taken once the locks are held, and
     * sees every batch committed before). For each request ({@code q}, in queue order, {@code i} from 1): is its
     * sender a member of its room, is its reply target a message of that room, and is a message already stored
     * there under its clientMessageId (scalar subqueries, one primary-key or unique-index probe each, where an
     * {@code EXISTS} may be planned as a hashed subplan that reads all of a room's members or messages;
     * QueryPlanTest checks the plan in a big room). Stored ({@code s}): the members' requests with a valid reply
     * target and no stored original, and of several in one room with one clientMessageId only the first, as if
     * they had come one after the other. Each room's {@code last_seq}/{@code last_event} move once by the number
     * stored in it ({@code c}, {@code r}), its messages take the seqs after the old value in queue order ({@code
     * k}), and each sender's watermarks move to its last message in the room ({@code w}, grouped: a
     * data-modifying CTE may not update one row twice). A room where nothing is stored is not touched.
     *
     * <p>One row per request, in queue order: its flags, the message it stored ({@code c_}), or the earlier
     * request's of this batch that stored its clientMessageId ({@code l_}), or the original stored before
     * ({@code o_}); its room's {@code base_seq}/{@code base_event} so that position = base_event + (seq -
     * base_seq).
     */
    public static final String BATCH_SEND = """
            WITH q AS (
                SELECT t.i, t.room_id, t.id, t.sender_id, t.body, t.cmid, t.reply_to,
                       COALESCE((SELECT true FROM memberships ms WHERE ms.room_id = t.room_id
                                     AND ms.user_id = t.sender_id), false) AS member,
                       (t.reply_to IS NULL OR COALESCE((SELECT p.room_id = t.room_id FROM messages p
                                                            WHERE p.id = t.reply_to), false)) AS reply_ok,
                       (SELECT x.id FROM messages x WHERE x.room_id = t.room_id AND x.sender_id = t.sender_id
                            AND x.client_message_id = t.cmid LIMIT 1) AS original_id
                FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::uuid[])
                        WITH ORDINALITY AS t(room_id, id, sender_id, body, cmid, reply_to, i)
            ), s AS (
                SELECT q.*, row_number() OVER (PARTITION BY q.room_id ORDER BY q.i) AS k FROM q
                WHERE q.member AND q.original_id IS NULL AND q.reply_ok
                AND NOT EXISTS (SELECT 1 FROM q e WHERE e.room_id = q.room_id AND e.sender_id = q.sender_id
                                AND e.cmid = q.cmid AND e.i < q.i AND e.member AND e.original_id IS NULL AND e.reply_ok)
            ), c AS (
                SELECT s.room_id, count(*) AS n FROM s GROUP BY s.room_id
            ), r AS (
                UPDATE rooms SET last_seq = last_seq + c.n, last_event = last_event + c.n,
                       last_activity = GREATEST(last_activity, $7)
                FROM c
                WHERE rooms.id = c.room_id
                RETURNING rooms.id AS room_id, last_seq - c.n AS base_seq, last_event - c.n AS base_event
            ), m AS (
                INSERT INTO messages (id, room_id, seq, sender_id, body, client_message_id, reply_to_id, created_at, deleted)
                SELECT s.id, s.room_id, r.base_seq + s.k, s.sender_id, s.body, s.cmid, s.reply_to, $7, false
                FROM s JOIN r ON r.room_id = s.room_id
                RETURNING %1$s
            ), w AS (
                UPDATE memberships SET last_read_seq = GREATEST(last_read_seq, x.seq),
                       last_delivered_seq = GREATEST(last_delivered_seq, x.seq)
                FROM (SELECT room_id, sender_id, max(seq) AS seq FROM m GROUP BY room_id, sender_id) x
                WHERE memberships.room_id = x.room_id AND memberships.user_id = x.sender_id
            )
            SELECT q.i, q.member, q.reply_ok, r.base_seq, r.base_event,
                   c.id AS c_id, c.room_id AS c_room_id, c.seq AS c_seq, c.sender_id AS c_sender_id,
                   c.body AS c_body, c.client_message_id AS c_client_message_id, c.reply_to_id AS c_reply_to_id,
                   c.created_at AS c_created_at, c.edited_at AS c_edited_at, c.deleted AS c_deleted,
                   l.id AS l_id, l.room_id AS l_room_id, l.seq AS l_seq, l.sender_id AS l_sender_id,
                   l.body AS l_body, l.client_message_id AS l_client_message_id, l.reply_to_id AS l_reply_to_id,
                   l.created_at AS l_created_at, l.edited_at AS l_edited_at, l.deleted AS l_deleted,
                   o.id AS o_id, o.room_id AS o_room_id, o.seq AS o_seq, o.sender_id AS o_sender_id,
                   o.body AS o_body, o.client_message_id AS o_client_message_id, o.reply_to_id AS o_reply_to_id,
                   o.created_at AS o_created_at, o.edited_at AS o_edited_at, o.deleted AS o_deleted
            FROM q
            LEFT JOIN r ON r.room_id = q.room_id
            LEFT JOIN m c ON c.id = q.id
            LEFT JOIN LATERAL (SELECT m.* FROM s JOIN m ON m.id = s.id
                               WHERE s.room_id = q.room_id AND s.sender_id = q.sender_id AND s.cmid = q.cmid
                               AND s.i < q.i LIMIT 1) l ON true
            LEFT JOIN messages o ON o.id = q.original_id
            ORDER BY q.i""".formatted(COLUMNS);

    /**
     * Opens a batch's transaction. The pool's connections keep {@link #BATCH_SEND} prepared
     * (quarkus.datasource.reactive.cache-prepared-statements), so it is parsed once per connection; but it is
     * planned for every batch, with the batch's arrays and the tables' statistics of the moment, and never
     * left to PostgreSQL's choice of a generic plan after five runs. A generic plan is made once for arrays of
     * unknown length on whatever statistics there are then: on the benchmark's young tables it looked a sender's
     * earlier clientMessageId up through messages_sender (every message of that sender, filtered) and
     * updated the watermarks over every member of the room, and batches of 15-60 sends took 40-140 ms instead of
     * 2-6 ms (src/bench/RESULTS.md). Planning costs 0.5-1 ms a batch, shared by all of its sends.
     */
    private static final String BEGIN_BATCH = "BEGIN; SET LOCAL plan_cache_mode = force_custom_plan";

    /** One send of a batch, in queue order; {@code id} is the id it gets if stored. */
    public record BatchRow(UUID roomId, UUID id, UUID senderId, String body, String clientMessageId, UUID replyToId) {}

    /**
     * What {@link #sendBatch} decided for one request: not a member; a reply target outside the room; the
     * message it stored ({@code created}, at stream {@code position}); the message an earlier request of the
     * batch stored under the same clientMessageId ({@code repeated}); or the one stored before ({@code original}).
     */
    public record BatchOutcome(
            boolean member,
            boolean replyOk,
            MessageView created,
            long position,
            MessageView repeated,
            MessageView original) {}

    /** Opens the transaction of a batch ({@link #BEGIN_BATCH}), before {@link #lockRoomsForBatch}. */
    public Uni<Void> beginBatch(SqlClient client) {
        return client.query(BEGIN_BATCH).execute().replaceWithVoid();
    }

    /**
     * Locks the batch's rooms, held to commit ({@link #LOCK_ROOMS_FOR_BATCH}); {@code rooms[i]} and {@code
     * senders[i]} are one request's. What it found does not matter: {@link #sendBatch} decides every request.
     */
    public Uni<Void> lockRoomsForBatch(SqlClient client, UUID[] rooms, UUID[] senders) {
        return client.preparedQuery(LOCK_ROOMS_FOR_BATCH)
                .execute(Tuple.of(rooms, senders))
                .replaceWithVoid();
    }

    /**
     * Decides and stores a batch ({@link #BATCH_SEND}); one outcome per row, in the rows' order. Must run in
     * the transaction of {@link #lockRoomsForBatch}, after it.
     */
    public Uni<List<BatchOutcome>> sendBatch(SqlClient client, List<BatchRow> batch, Instant now) {
        int n = batch.size();
        UUID[] rooms = new UUID[n];
        UUID[] ids = new UUID[n];
        UUID[] senders = new UUID[n];
        String[] bodies = new String[n];
        String[] clientIds = new String[n];
        UUID[] replies = new UUID[n];
        for (int i = 0; i < n; i++) {
            BatchRow r = batch.get(i);
            rooms[i] = r.roomId();
            ids[i] = r.id();
            senders[i] = r.senderId();
            bodies[i] = r.body();
            clientIds[i] = r.clientMessageId();
            replies[i] = r.replyToId();
        }
        return client.preparedQuery(BATCH_SEND)
                .execute(Tuple.from(new Object[] {rooms, ids, senders, bodies, clientIds, replies, utc(now)}))
                .map(rows -> {
                    List<BatchOutcome> outcomes = new ArrayList<>(n);
                    for (Row row : rows) {
                        MessageView created = row.getUUID("c_id") == null ? null : view(row, "c_");
                        long position = created == null
                                ? 0
                                : row.getLong("base_event") + created.seq() - row.getLong("base_seq");
                        outcomes.add(new BatchOutcome(
                                row.getBoolean("member"),
                                row.getBoolean("reply_ok"),
                                created,
                                position,
                                row.getUUID("l_id") == null ? null : view(row, "l_"),
                                row.getUUID("o_id") == null ? null : view(row, "o_")));
                    }
                    return outcomes;
                });
    }

    /** The caller's role in the room, or null when not a member. */
    public Uni<Role> role(SqlClient client, UUID roomId, UUID userId) {
        return client.preparedQuery("SELECT role FROM memberships WHERE room_id = $1 AND user_id = $2")
                .execute(Tuple.of(roomId, userId))
                .map(rows ->
                        rows.size() == 0 ? null : Role.of(rows.iterator().next().getString("role")));
    }

    /** A member's view of the room for a signal: its last seq and its stream position now. */
    public record RoomNow(long lastSeq, long position) {}

    /** The room's last seq and position if the user is a member, else null. */
    public Uni<RoomNow> roomForMember(SqlClient client, UUID roomId, UUID userId) {
        return client.preparedQuery("""
                        SELECT r.last_seq, r.last_event FROM rooms r
                        JOIN memberships m ON m.room_id = r.id AND m.user_id = $2
                        WHERE r.id = $1""").execute(Tuple.of(roomId, userId)).map(rows -> {
            if (rows.size() == 0) {
                return null;
            }
            Row row = rows.iterator().next();
            return new RoomNow(row.getLong("last_seq"), row.getLong("last_event"));
        });
    }

    /** See {@link #NEXT_POSITION}; null when the room does not exist. */
    public Uni<Long> nextPosition(SqlClient client, UUID roomId) {
        return client.preparedQuery(NEXT_POSITION)
                .execute(Tuple.of(roomId))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLong(0));
    }

    /**
     * Up to {@code limit} messages of the room, ascending by seq, if {@code userId} is a member, else null: the
     * latest (both bounds null), those just before {@code before}, or those just after {@code after}. One
     * statement ({@link #HISTORY}), one range scan of messages_room_seq.
     */
    public Uni<List<MessageView>> page(SqlClient client, UUID roomId, UUID userId, Long before, Long after, int limit) {
        Uni<RowSet<Row>> rows = after != null
                ? client.preparedQuery(HISTORY_AFTER).execute(Tuple.of(roomId, userId, after, (long) limit))
                : before != null
                        ? client.preparedQuery(HISTORY_BEFORE).execute(Tuple.of(roomId, userId, before, (long) limit))
                        : client.preparedQuery(HISTORY_LATEST).execute(Tuple.of(roomId, userId, (long) limit));
        return rows.map(found -> {
            if (found.size() == 0) {
                return null;
            }
            List<MessageView> page = new ArrayList<>(found.size());
            for (Row row : found) {
                if (row.getUUID("id") != null) {
                    page.add(view(row, ""));
                }
            }
            page.sort(BY_SEQ);
            return page;
        });
    }

    private static final Comparator<MessageView> BY_SEQ = Comparator.comparingLong(MessageView::seq);

    /** The message, row-locked for an edit or delete, or null when it is not in that room. */
    public Uni<MessageView> findForUpdate(SqlClient client, UUID messageId, UUID roomId) {
        return client.preparedQuery("SELECT " + COLUMNS + " FROM messages WHERE id = $1 AND room_id = $2 FOR UPDATE")
                .execute(Tuple.of(messageId, roomId))
                .map(MessageRepository::first);
    }

    public Uni<MessageView> updateBody(SqlClient client, UUID messageId, String body, Instant now) {
        return client.preparedQuery("UPDATE messages SET body = $2, edited_at = $3 WHERE id = $1 RETURNING " + COLUMNS)
                .execute(Tuple.of(messageId, body, utc(now)))
                .map(MessageRepository::first);
    }

    /** Deletion keeps the row (and its seq) as a tombstone; only the text goes. */
    public Uni<MessageView> tombstone(SqlClient client, UUID messageId) {
        return client.preparedQuery(
                        "UPDATE messages SET deleted = true, body = NULL WHERE id = $1 RETURNING " + COLUMNS)
                .execute(Tuple.of(messageId))
                .map(MessageRepository::first);
    }

    /**
     * Moves a watermark forward, never back; read implies delivered. True when the requested watermark
     * moved (a lower or equal seq than the stored one changes nothing).
     */
    public Uni<Boolean> advanceWatermark(SqlClient client, UUID roomId, UUID userId, ReceiptType type, long seq) {
        String sql = type == ReceiptType.READ ? """
                  UPDATE memberships SET last_read_seq = $3, last_delivered_seq = GREATEST(last_delivered_seq, $3)
                  WHERE room_id = $1 AND user_id = $2 AND last_read_seq < $3""" : """
                  UPDATE memberships SET last_delivered_seq = $3
                  WHERE room_id = $1 AND user_id = $2 AND last_delivered_seq < $3""";
        return client.preparedQuery(sql).execute(Tuple.of(roomId, userId, seq)).map(rows -> rows.rowCount() == 1);
    }

    /**
     * Maps a row of {@link #COLUMNS}, each name prefixed by {@code prefix} (for joined queries): the ten columns
     * side by side in that order, read by position from the first. A read by name is a linear search of the
     * row's column names; ten per message were the largest single cost of a history page (profile.sh history).
     */
    public static MessageView view(Row row, String prefix) {
        int at = row.getColumnIndex(prefix + "id");
        return new MessageView(
                row.getUUID(at),
                row.getUUID(at + 1),
                row.getLong(at + 2),
                row.getUUID(at + 3),
                row.getString(at + 4),
                row.getString(at + 5),
                row.getUUID(at + 6),
                instant(row.getOffsetDateTime(at + 7)),
                instant(row.getOffsetDateTime(at + 8)),
                row.getBoolean(at + 9));
    }

    public static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    public static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    private static MessageView first(RowSet<Row> rows) {
        return rows.size() == 0 ? null : view(rows.iterator().next(), "");
    }

    private static List<MessageView> all(RowSet<Row> rows) {
        List<MessageView> views = new ArrayList<>(rows.size());
        for (Row row : rows) {
            views.add(view(row, ""));
        }
        return views;
    }
}
