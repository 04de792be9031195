package dev.chat.room;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class MembershipRepository implements PanacheRepositoryBase<Membership, Membership.Key> {

    public Uni<Membership> findMember(UUID roomId, UUID userId) {
        return findById(new Membership.Key(roomId, userId));
    }

    /**
     * Whether the user is a member, as a count: no entity enters the session, so the membership read again
     * after the room lock ({@link #findMember}) comes fresh from the database.
     */
    public Uni<Boolean> isMember(UUID roomId, UUID userId) {
        return count("roomId = ?1 and userId = ?2", roomId, userId).map(n -> n > 0);
    }

    /**
     * Deletes the membership by a statement. Not {@code delete(entity)}: Hibernate Reactive's entity delete
     * keeps state of its own per entity type that concurrent sessions share (hibernate-reactive#1713). Removals
     * in several rooms at once then resumed one request on another's thread (HR000069, a 500), or left its
     * transaction open, the client waiting, until PostgreSQL's idle timeout (RoomResourceTest, 8 at once).
     */
    public Uni<Void> deleteMember(UUID roomId, UUID userId) {
        return delete("roomId = ?1 and userId = ?2", roomId, userId).replaceWithVoid();
    }

    /** Members with their profiles, longest-standing first: one query. */
    public Uni<List<MemberView>> listViews(UUID roomId) {
        return getSession()
                .chain(session -> session.createQuery(
                                "select new dev.chat.room.MemberView(u.id, u.username, u.displayName, m.role, m.joinedAt,"
                                        + " m.lastReadSeq, m.lastDeliveredSeq)"
                                        + " from Membership m join User u on u.id = m.userId"
                                        + " where m.roomId = :room order by m.joinedAt, m.userId",
                                MemberView.class)
                        .setParameter("room", roomId)
                        .getResultList());
    }

    /** Who inherits ownership: the longest-standing remaining member (earliest joined, then lowest id). */
    public Uni<Membership> successor(UUID roomId, UUID leavingUserId) {
        return find("roomId = ?1 and userId <> ?2 order by joinedAt, userId", roomId, leavingUserId)
                .firstResult();
    }
}
