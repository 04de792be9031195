package dev.chat.message;

import dev.chat.common.ProblemException;
import dev.chat.common.Times;
import dev.chat.fanout.EventFrame;
import dev.chat.fanout.EventType;
import dev.chat.fanout.Fanout;
import dev.chat.fanout.RoomEvent;
import dev.chat.room.Role;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Sending, reading, editing and deleting messages. Each change runs in one transaction on the reactive
 * PostgreSQL client and is published to the fan-out only after that transaction committed.
 */
@ApplicationScoped
public class MessageService {

    /** What a send produced: {@code created} is false when a retry found the original (clientMessageId). */
    public record Sent(MessageView message, boolean created, long position) {}

    /** An edit or deletion and the stream position it took; null message: nothing changed. */
    private record Changed(MessageView message, long position) {}

    /** The {@code data} of {@code message.deleted}. */
    @RegisterForReflection // serialized into pushed events by ObjectMapper, also in native images
    public record Deleted(UUID id, long seq) {}

    private final Pool pool;
    private final MessageRepository messages;
    private final Fanout fanout;
    private final EventFrame frames;
    private final SendBatcher batcher;

    MessageService(Pool pool, MessageRepository messages, Fanout fanout, EventFrame frames, SendBatcher batcher) {
        this.pool = pool;
        this.messages = messages;
        this.fanout = fanout;
        this.frames = frames;
        this.batcher = batcher;
    }

    /**
     * Group commit ({@link SendBatcher}): the send waits for its room's next transaction, which locks the room
     * row, then reads every sender's membership and earlier send with the same clientMessageId (after the
     * lock, so that racing retries are serialized: the first inserts, the others find it), checks the reply
     * targets, and inserts the batch with the next seqs. Nothing that fails before the insert burns a seq.
     */
    public Uni<Sent> send(UUID senderId, UUID roomId, SendMessageRequest request) {
        String body = MessageBodies.check(request.body());
        return batcher.submit(roomId, senderId, body, request.clientMessageId(), request.replyToId());
    }

    /**
     * A page of history, ascending by seq, in one statement that also checks membership; {@code limit + 1} rows
     * are read to learn {@code hasMore}.
     */
    public Uni<MessagePage> history(UUID callerId, UUID roomId, Long before, Long after, int limit) {
        return messages.page(pool, roomId, callerId, before, after, limit + 1)
                .onItem()
                .ifNull()
                .failWith(MessageService::noSuchRoom)
                .map(found -> {
                    boolean hasMore = found.size() > limit;
                    if (!hasMore) {
                        return new MessagePage(found, false);
                    }
                    // after: the extra row is the newest; latest/before: it is the oldest.
                    List<MessageView> page = after != null ? found.subList(0, limit) : found.subList(1, found.size());
                    return new MessagePage(List.copyOf(page), true);
                });
    }

    /** Author only (403); a tombstone cannot be edited (409). */
    public Uni<MessageView> edit(UUID callerId, UUID roomId, UUID messageId, EditMessageRequest request) {
        String body = MessageBodies.check(request.body());
        Instant now = Times.now();
        return pool.withTransaction(conn -> lockAsMember(conn, roomId, callerId)
                        .chain(locked -> messages.findForUpdate(conn, messageId, roomId)
                                .onItem()
                                .ifNull()
                                .failWith(MessageService::noSuchMessage)
                                .chain(message -> {
                                    if (!message.senderId().equals(callerId)) {
                                        return Uni.createFrom()
                                                .failure(ProblemException.forbidden(
                                                        "Only the author can edit a message."));
                                    }
                                    if (message.deleted()) {
                                        return Uni.createFrom()
                                                .failure(ProblemException.conflict(
                                                        "A deleted message cannot be edited."));
                                    }
                                    return messages.updateBody(conn, messageId, body, now);
                                })
                                .map(m -> new Changed(m, locked.position()))))
                .invoke(changed -> {
                    MessageView m = changed.message();
                    fanout.publish(RoomEvent.change(
                            roomId,
                            changed.position(),
                            frames.message(EventType.MESSAGE_UPDATED, roomId, m.seq(), now, m)));
                })
                .map(Changed::message);
    }

    /**
     * The author, or the room's owner or an admin, may delete. Deleting a tombstone again is a 204 that
     * changes nothing and publishes nothing (idempotent, so that a client's retry cannot fail).
     */
    public Uni<Void> delete(UUID callerId, UUID roomId, UUID messageId) {
        Instant now = Times.now();
        return pool.withTransaction(conn -> lockAsMember(conn, roomId, callerId)
                        .chain(locked -> messages.findForUpdate(conn, messageId, roomId)
                                .onItem()
                                .ifNull()
                                .failWith(MessageService::noSuchMessage)
                                .chain(message -> {
                                    boolean moderator = locked.role().moderates();
                                    if (!message.senderId().equals(callerId) && !moderator) {
                                        return Uni.createFrom()
                                                .failure(
                                                        ProblemException.forbidden(
                                                                "Only the author or a room owner or admin can delete a message."));
                                    }
                                    return message.deleted()
                                            ? Uni.createFrom().<MessageView>nullItem()
                                            : messages.tombstone(conn, messageId);
                                })
                                .map(m -> new Changed(m, locked.position()))))
                .invoke(changed -> {
                    MessageView m = changed.message();
                    if (m != null) {
                        fanout.publish(RoomEvent.change(
                                roomId,
                                changed.position(),
                                frames.message(
                                        EventType.MESSAGE_DELETED,
                                        roomId,
                                        m.seq(),
                                        now,
                                        new Deleted(m.id(), m.seq()))));
                    }
                })
                .replaceWithVoid();
    }

    /** The caller's role, read after the room lock, and the stream position the change takes. */
    private record Locked(Role role, long position) {}

    /**
     * A non-member is refused before it may queue on the room's row lock (404); then the lock and the next
     * stream position; then the role once more, because a removal may have committed while this waited.
     * Taking the room lock before the message's row lock keeps one lock order with sends, which lock the
     * room and then touch the replied-to message.
     */
    private Uni<Locked> lockAsMember(io.vertx.mutiny.sqlclient.SqlClient conn, UUID roomId, UUID callerId) {
        return messages.role(conn, roomId, callerId)
                .onItem()
                .ifNull()
                .failWith(MessageService::noSuchRoom)
                .chain(before -> messages.nextPosition(conn, roomId))
                .onItem()
                .ifNull()
                .failWith(MessageService::noSuchRoom)
                .chain(position -> messages.role(conn, roomId, callerId)
                        .onItem()
                        .ifNull()
                        .failWith(MessageService::noSuchRoom)
                        .map(role -> new Locked(role, position)));
    }

    static ProblemException noSuchRoom() {
        return ProblemException.notFound("No such room.");
    }

    private static ProblemException noSuchMessage() {
        return ProblemException.notFound("No such message.");
    }
}
