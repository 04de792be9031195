package dev.chat.message;

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
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Messages and the watermarks they move, in plain SQL on the reactive PostgreSQL client rather than through
 * Hibernate: the send path is one data-modifying CTE (seq, insert, sender's watermarks in one round trip,
 * {@code UPDATE ... RETURNING}), which an entity model cannot express, and the room list reads these rows
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
     * The room row lock: every send in a room queues here, so the clientMessageId check that follows sees every
     * message committed before it, and seq follows commit order. A non-member's row is filtered out before it
     * is locked: strangers cannot queue on a room's lock (and so hold pool connections in its queue).
     */
    private static final String LOCK_ROOM = """
            SELECT 1 FROM rooms r WHERE r.id = $1
            AND EXISTS (SELECT 1 FROM memberships m WHERE m.room_id = $1 AND m.user_id = $2)
            FOR UPDATE OF r""";

    /**
     * Next seq and stream position, the message, and the sender's own watermarks (no receipt: clients infer
     * it), in one statement.
     */
    private static final String INSERT = """
            WITH r AS (
                UPDATE rooms SET last_seq = last_seq + 1, last_event = last_event + 1,
                       last_activity = GREATEST(last_activity, $3)
                WHERE id = $1 RETURNING last_seq, last_event
            ), m AS (
                INSERT INTO messages (id, room_id, seq, sender_id, body, client_message_id, reply_to_id, created_at, deleted)
                SELECT $4, $1, r.last_seq, $2, $5, $6, $7, $3, false FROM r
                RETURNING %s
            ), w AS (
                UPDATE memberships SET last_read_seq = GREATEST(last_read_seq, m.seq),
                       last_delivered_seq = GREATEST(last_delivered_seq, m.seq)
                FROM m WHERE memberships.room_id = $1 AND memberships.user_id = $2
            )
            SELECT m.*, r.last_event FROM m, r""".formatted(COLUMNS);

    /**
     * Takes the room's next stream position for a change other than a send, and with it the room row lock,
     * held to commit: changes of one room get their positions in commit order.
     */
    private static final String NEXT_POSITION =
            "UPDATE rooms SET last_event = last_event + 1 WHERE id = $1 RETURNING last_event";

    /** History: the newest page, read backwards along messages_room_seq. */
    public static final String HISTORY_LATEST =
            "SELECT " + COLUMNS + " FROM messages WHERE room_id = $1 ORDER BY seq DESC LIMIT $2";

    /** History: the page just before seq $2, read backwards along messages_room_seq. */
    public static final String HISTORY_BEFORE =
            "SELECT " + COLUMNS + " FROM messages WHERE room_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3";

    /** History/catch-up: the page just after seq $2, read forwards along messages_room_seq. */
    public static final String HISTORY_AFTER =
            "SELECT " + COLUMNS + " FROM messages WHERE room_id = $1 AND seq > $2 ORDER BY seq LIMIT $3";

    /**
     * What a send needs to know once it holds the room lock, in one round trip: whether the sender is a member
     * (no row: not a member) and, for a retry, the message already stored under its clientMessageId.
     */
    private static final String SENDER_AND_ORIGINAL = "SELECT m.role, "
            + Arrays.stream(COLUMNS.split(", "))
                    .map(c -> "x." + c + " AS o_" + c)
                    .collect(Collectors.joining(", "))
            + " FROM memberships m LEFT JOIN messages x"
            + " ON x.room_id = m.room_id AND x.sender_id = m.user_id AND x.client_message_id = $3"
            + " WHERE m.room_id = $1 AND m.user_id = $2";

    /** The sender's standing in the room, read under the room lock. */
    public record SendCheck(boolean member, MessageView original) {}

    /**
     * Locks the room, then reads membership and the earlier send in a second statement: under READ COMMITTED
     * that one sees every change committed while this send waited for the lock, such as the sender's removal
     * (a join in the locking statement would re-check only the locked room row, and let a just-removed member
     * post) or a racing retry's message.
     */
    public Uni<SendCheck> lockRoomForSend(SqlClient client, UUID roomId, UUID senderId, String clientMessageId) {
        return client.preparedQuery(LOCK_ROOM)
                .execute(Tuple.of(roomId, senderId))
                .chain(locked -> locked.size() == 0
                        ? Uni.createFrom().item(new SendCheck(false, null))
                        : client.preparedQuery(SENDER_AND_ORIGINAL)
                                .execute(Tuple.of(roomId, senderId, clientMessageId))
                                .map(rows -> {
                                    if (rows.size() == 0) {
                                        return new SendCheck(false, null);
                                    }
                                    Row row = rows.iterator().next();
                                    return new SendCheck(true, row.getUUID("o_id") == null ? null : view(row, "o_"));
                                }));
    }

    /** The caller's role in the room, or null when not a member. */
    public Uni<String> role(SqlClient client, UUID roomId, UUID userId) {
        return client.preparedQuery("SELECT role FROM memberships WHERE room_id = $1 AND user_id = $2")
                .execute(Tuple.of(roomId, userId))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("role"));
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

    public Uni<Boolean> existsInRoom(SqlClient client, UUID messageId, UUID roomId) {
        return client.preparedQuery("SELECT 1 FROM messages WHERE id = $1 AND room_id = $2")
                .execute(Tuple.of(messageId, roomId))
                .map(rows -> rows.size() > 0);
    }

    /** A stored message and the stream position its {@code message.created} takes. */
    public record Inserted(MessageView message, long position) {}

    /** Must run on the connection that holds {@link #lockRoomForSend}, in its transaction. */
    public Uni<Inserted> insert(
            SqlClient client,
            UUID roomId,
            UUID senderId,
            String body,
            String clientMessageId,
            UUID replyToId,
            Instant now) {
        return client.preparedQuery(INSERT)
                .execute(params(roomId, senderId, utc(now), UUID.randomUUID(), body, clientMessageId, replyToId))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new Inserted(view(row, ""), row.getLong("last_event"));
                });
    }

    /**
     * Up to {@code limit} messages: the latest (both bounds null), those just before {@code before}, or those
     * just after {@code after}; ascending by seq. Each is one range scan of messages_room_seq.
     */
    public Uni<List<MessageView>> page(SqlClient client, UUID roomId, Long before, Long after, int limit) {
        if (after != null) {
            return client.preparedQuery(HISTORY_AFTER)
                    .execute(Tuple.of(roomId, after, (long) limit))
                    .map(MessageRepository::all);
        }
        Uni<RowSet<Row>> rows = before != null
                ? client.preparedQuery(HISTORY_BEFORE).execute(Tuple.of(roomId, before, (long) limit))
                : client.preparedQuery(HISTORY_LATEST).execute(Tuple.of(roomId, (long) limit));
        return rows.map(MessageRepository::all).map(descending -> {
            List<MessageView> ascending = new ArrayList<>(descending);
            Collections.reverse(ascending);
            return ascending;
        });
    }

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
    public Uni<Boolean> advanceWatermark(SqlClient client, UUID roomId, UUID userId, String type, long seq) {
        String sql = ReceiptRequest.READ.equals(type) ? """
                  UPDATE memberships SET last_read_seq = $3, last_delivered_seq = GREATEST(last_delivered_seq, $3)
                  WHERE room_id = $1 AND user_id = $2 AND last_read_seq < $3""" : """
                  UPDATE memberships SET last_delivered_seq = $3
                  WHERE room_id = $1 AND user_id = $2 AND last_delivered_seq < $3""";
        return client.preparedQuery(sql).execute(Tuple.of(roomId, userId, seq)).map(rows -> rows.rowCount() == 1);
    }

    /** Maps a row of {@link #COLUMNS}, each name prefixed by {@code prefix} (for joined queries). */
    public static MessageView view(Row row, String prefix) {
        return new MessageView(
                row.getUUID(prefix + "id"),
                row.getUUID(prefix + "room_id"),
                row.getLong(prefix + "seq"),
                row.getUUID(prefix + "sender_id"),
                row.getString(prefix + "body"),
                row.getString(prefix + "client_message_id"),
                row.getUUID(prefix + "reply_to_id"),
                instant(row.getOffsetDateTime(prefix + "created_at")),
                instant(row.getOffsetDateTime(prefix + "edited_at")),
                row.getBoolean(prefix + "deleted"));
    }

    public static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    public static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    private static Tuple params(Object... values) {
        return Tuple.from(Arrays.asList(values)); // unlike Tuple.of, takes nulls (no clientMessageId, no reply)
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
