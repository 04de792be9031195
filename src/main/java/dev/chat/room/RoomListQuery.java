package dev.chat.room;

import dev.chat.message.MessageRepository;
import dev.chat.message.MessageView;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * "My rooms" in ONE statement, whatever the number of rooms: the page is chosen first (memberships_user,
 * then the rooms by primary key, top-N by activity), and only the rooms of that page get their last message
 * and unread count, each through a LATERAL range scan of messages_room_seq. Plain SQL on the reactive client
 * because neither LATERAL nor the row-value keyset comparison can be written in HQL.
 * See src/bench/EXPLAIN.md for the plan on a room of 100k messages.
 */
@ApplicationScoped
public class RoomListQuery {

    /** A page of summaries and the cursor of the next page (null at the end). */
    @Schema(name = "RoomPage")
    public record Page(
            List<RoomSummaryView> items,

            @Schema(nullable = true, description = "Pass as `cursor` for the next page; null on the last page.")
            String nextCursor) {}

    static final String SQL = """
            WITH page AS (
                SELECT r.id, r.type, r.name, r.created_at, r.last_seq, r.last_activity, r.member_count,
                       m.user_id, m.last_read_seq
                FROM memberships m JOIN rooms r ON r.id = m.room_id
                WHERE m.user_id = $1
                  AND ($2::timestamptz IS NULL OR (r.last_activity, r.id) < ($2::timestamptz, $3::uuid))
                ORDER BY r.last_activity DESC, r.id DESC
                LIMIT $4
            )
            SELECT p.*, unread.n AS unread_count,
                   lm.id AS lm_id, lm.room_id AS lm_room_id, lm.seq AS lm_seq, lm.sender_id AS lm_sender_id,
                   lm.body AS lm_body, lm.client_message_id AS lm_client_message_id, lm.reply_to_id AS lm_reply_to_id,
                   lm.created_at AS lm_created_at, lm.edited_at AS lm_edited_at, lm.deleted AS lm_deleted
            FROM page p
            LEFT JOIN LATERAL (
                SELECT * FROM messages x WHERE x.room_id = p.id ORDER BY x.seq DESC LIMIT 1
            ) lm ON true
            CROSS JOIN LATERAL (
                SELECT count(*) AS n FROM messages x
                WHERE x.room_id = p.id AND x.seq > p.last_read_seq AND x.sender_id <> p.user_id AND NOT x.deleted
            ) unread
            ORDER BY p.last_activity DESC, p.id DESC""";

    private final Pool pool;

    RoomListQuery(Pool pool) {
        this.pool = pool;
    }

    public Uni<Page> page(UUID userId, int limit, String cursor) {
        RoomCursor after = RoomCursor.decode(cursor);
        Tuple params = Tuple.from(Arrays.asList(
                userId,
                after == null ? null : MessageRepository.utc(after.lastActivity()),
                after == null ? null : after.id(),
                (long) limit + 1));
        return pool.preparedQuery(SQL).execute(params).map(rows -> {
            List<RoomSummaryView> items = new ArrayList<>(rows.size());
            RoomCursor last = null;
            for (Row row : rows) {
                if (items.size() == limit) {
                    return new Page(items, last.encode());
                }
                items.add(summary(row));
                last = new RoomCursor(row.getOffsetDateTime("last_activity").toInstant(), row.getUUID("id"));
            }
            return new Page(items, null);
        });
    }

    private static RoomSummaryView summary(Row row) {
        MessageView lastMessage = row.getUUID("lm_id") == null ? null : MessageRepository.view(row, "lm_");
        return new RoomSummaryView(
                row.getUUID("id"),
                RoomType.of(row.getString("type")),
                row.getString("name"),
                row.getOffsetDateTime("created_at").toInstant(),
                row.getLong("last_seq"),
                row.getInteger("member_count"),
                lastMessage,
                row.getLong("unread_count"),
                row.getLong("last_read_seq"));
    }
}
