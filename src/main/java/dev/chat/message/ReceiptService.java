package dev.chat.message;

import dev.chat.common.ProblemException;
import dev.chat.common.Times;
import dev.chat.fanout.EventFrame;
import dev.chat.fanout.EventType;
import dev.chat.fanout.Fanout;
import dev.chat.fanout.RoomEvent;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;

/**
 * Read/delivered receipts and typing signals. They live with messages, not rooms, because they are about
 * message seqs: the watermarks they move are the same ones the send path advances for the sender, and they
 * are written by the same SQL ({@link MessageRepository#advanceWatermark}).
 */
@ApplicationScoped
public class ReceiptService {

    /** The {@code data} of a {@code receipt} event. */
    @RegisterForReflection // serialized into pushed events by ObjectMapper, also in native images
    public record Receipt(UUID userId, String type, long seq) {}

    /** The {@code data} of a {@code typing} event. */
    @RegisterForReflection // serialized into pushed events by ObjectMapper, also in native images
    public record Typing(UUID userId, boolean typing) {}

    private final Pool pool;
    private final MessageRepository messages;
    private final Fanout fanout;
    private final EventFrame frames;

    ReceiptService(Pool pool, MessageRepository messages, Fanout fanout, EventFrame frames) {
        this.pool = pool;
        this.messages = messages;
        this.fanout = fanout;
        this.frames = frames;
    }

    /**
     * Moves the caller's watermark. A seq at or below the stored one changes nothing and publishes nothing:
     * a {@code receipt} event is published only when the watermark actually moved.
     */
    public Uni<Void> receipt(UUID userId, UUID roomId, ReceiptType type, long seq) {
        Instant now = Times.now();
        return pool.withConnection(conn -> messages.roomForMember(conn, roomId, userId)
                        .onItem()
                        .ifNull()
                        .failWith(MessageService::noSuchRoom)
                        .chain(room -> seq > room.lastSeq()
                                ? Uni.createFrom()
                                        .<RoomEvent>failure(ProblemException.invalid(
                                                "seq", "must not be above the room's lastSeq (" + room.lastSeq() + ")"))
                                : messages.advanceWatermark(conn, roomId, userId, type, seq)
                                        .map(moved -> moved
                                                ? RoomEvent.signal(
                                                        roomId,
                                                        room.position(),
                                                        null,
                                                        frames.room(
                                                                EventType.RECEIPT,
                                                                roomId,
                                                                now,
                                                                new Receipt(userId, type.wire(), seq)))
                                                : null)))
                .invoke(event -> {
                    if (event != null) {
                        fanout.publish(event);
                    }
                })
                .replaceWithVoid();
    }

    /**
     * Not stored: checked for membership and handed to the fan-out for everyone but the typist. It carries
     * the room's position at the check, so it never reaches anyone removed before it.
     */
    public Uni<Void> typing(UUID userId, UUID roomId, boolean typing) {
        Instant now = Times.now();
        return pool.withConnection(conn -> messages.roomForMember(conn, roomId, userId))
                .onItem()
                .ifNull()
                .failWith(MessageService::noSuchRoom)
                .invoke(room -> fanout.publish(RoomEvent.signal(
                        roomId,
                        room.position(),
                        userId,
                        frames.room(EventType.TYPING, roomId, now, new Typing(userId, typing)))))
                .replaceWithVoid();
    }
}
