package dev.chat.room;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A user's place in a room: role and read/delivered watermarks. The watermarks are moved only by SQL in
 * the message package ({@code GREATEST(...)} updates, so they never go backwards); they are not updatable
 * from this entity, so a role change can never write back a stale watermark.
 */
@Entity
@Table(name = "memberships")
@IdClass(Membership.Key.class)
public class Membership {

    @Id
    @Column(name = "room_id")
    public UUID roomId;

    @Id
    @Column(name = "user_id")
    public UUID userId;

    @Column(nullable = false, length = 8)
    @Convert(converter = Role.Column.class)
    public Role role;

    @Column(name = "joined_at", nullable = false, updatable = false)
    public Instant joinedAt;

    @Column(name = "last_read_seq", nullable = false, updatable = false)
    public long lastReadSeq;

    @Column(name = "last_delivered_seq", nullable = false, updatable = false)
    public long lastDeliveredSeq;

    public static Membership of(UUID roomId, UUID userId, Role role, Instant joinedAt) {
        Membership m = new Membership();
        m.roomId = roomId;
        m.userId = userId;
        m.role = role;
        m.joinedAt = joinedAt;
        return m;
    }

    /** The composite primary key (room_id, user_id). */
    public static class Key implements Serializable {
        public UUID roomId;
        public UUID userId;

        public Key() {}

        public Key(UUID roomId, UUID userId) {
            this.roomId = roomId;
            this.userId = userId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(roomId, k.roomId) && Objects.equals(userId, k.userId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(roomId, userId);
        }
    }
}
