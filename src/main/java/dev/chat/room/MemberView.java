package dev.chat.room;

import dev.chat.user.User;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The contract's {@code Member}. */
@RegisterForReflection // serialized into pushed events by ObjectMapper, also in native images
@Schema(name = "Member")
public record MemberView(
        UUID userId,
        String username,
        String displayName,
        Role role,
        Instant joinedAt,
        long lastReadSeq,
        long lastDeliveredSeq) {

    public static MemberView of(Membership membership, User user) {
        return new MemberView(
                user.id,
                user.username,
                user.displayName,
                membership.role,
                membership.joinedAt,
                membership.lastReadSeq,
                membership.lastDeliveredSeq);
    }
}
