package dev.chat.user;

import dev.chat.common.ProblemException;
import dev.chat.common.Times;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class UserService {

    private final UserRepository users;
    private final PresenceLookup presence;

    UserService(UserRepository users, PresenceLookup presence) {
        this.users = users;
        this.presence = presence;
    }

    @WithSession
    public Uni<UserView> get(UUID id) {
        return find(id).map(UserView::of);
    }

    /** The session ends before presence is asked (Redis answers on its own thread, not the session's). */
    public Uni<UserProfileView> profile(UUID id) {
        return Panache.withSession(() -> find(id))
                .chain(user -> presence.isOnline(user.id)
                        .map(online -> new UserProfileView(
                                user.id,
                                user.username,
                                user.displayName,
                                user.createdAt,
                                online,
                                online ? Times.now() : user.lastSeenAt)));
    }

    @WithTransaction
    public Uni<UserView> rename(UUID id, String displayName) {
        return find(id).map(user -> {
            user.displayName = displayName; // cleaned and validated by UpdateProfileRequest
            return UserView.of(user);
        });
    }

    @WithSession
    public Uni<List<UserView>> search(String prefix, int limit) {
        return users.searchByPrefix(prefix.strip(), limit)
                .map(found -> found.stream().map(UserView::of).toList());
    }

    private Uni<User> find(UUID id) {
        return users.findById(id).onItem().ifNull().failWith(() -> ProblemException.notFound("No such user."));
    }
}
