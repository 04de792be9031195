package dev.chat.room;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

@ApplicationScoped
public class RoomRepository implements PanacheRepositoryBase<Room, UUID> {

    /** The direct room of a pair; {@code a < b} as the rooms_direct_shape constraint stores them. */
    public Uni<Room> findDirect(UUID a, UUID b) {
        return find("type = ?1 and directUserA = ?2 and directUserB = ?3", RoomType.DIRECT, a, b)
                .firstResult();
    }

    /**
     * Deletes the room (its memberships and messages go with it: ON DELETE CASCADE) by a statement. Not
     * {@code delete(entity)}: see {@link MembershipRepository#deleteMember}.
     */
    public Uni<Void> deleteRoom(UUID roomId) {
        return delete("id", roomId).replaceWithVoid();
    }
}
