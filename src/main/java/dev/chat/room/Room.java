package dev.chat.room;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;

/**
 * A conversation. {@code lastSeq} and {@code lastActivity} are moved only by the message send path's
 * {@code UPDATE rooms ... RETURNING last_seq} (see {@code MessageRepository}); they are not updatable from
 * this entity, so that saving a rename or a member count can never write back a stale seq.
 */
@Entity
@Table(name = "rooms")
public class Room {

    @Id
    public UUID id;

    @Column(nullable = false, length = 8, updatable = false)
    @Convert(converter = RoomType.Column.class)
    public RoomType type;

    /** Null for direct rooms. */
    @Column(length = 100)
    public String name;

    @Column(name = "created_at", nullable = false, updatable = false)
    public Instant createdAt;

    @Column(name = "last_seq", nullable = false, updatable = false)
    public long lastSeq;

    @Column(name = "last_activity", nullable = false, updatable = false)
    public Instant lastActivity;

    /**
     * The last position of the room's event stream. Moved by every change of the room under its row lock:
     * here for membership and name changes (the entity is then loaded with PESSIMISTIC_WRITE), by
     * {@code MessageRepository}'s statements for messages.
     */
    @Column(name = "last_event", nullable = false)
    public long lastEvent;

    @Column(name = "member_count", nullable = false)
    public int memberCount;

    /** Direct rooms only: the smaller of the two user ids. */
    @Column(name = "direct_user_a", updatable = false)
    public UUID directUserA;

    @Column(name = "direct_user_b", updatable = false)
    public UUID directUserB;

    public boolean isDirect() {
        return type == RoomType.DIRECT;
    }
}
