package dev.chat.user;

import dev.chat.common.ProblemException;
import dev.chat.common.Times;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class UserService {

    /**
     * {@code GET /api/users/me} is the cheapest authenticated read there is, and a Hibernate session (open,
     * persistence context, entity, close) cost more CPU than the query itself: one prepared statement on the
     * reactive client instead, mapped straight to the view. Writes stay on the entity.
     */
    private static final String VIEW = "SELECT id, username, display_name, created_at FROM users WHERE id = $1";

    private final UserRepository users;
    private final PresenceLookup presence;
    private final Pool pool;

    UserService(UserRepository users, PresenceLookup presence, Pool pool) {
        this.users = users;
        this.presence = presence;
        this.pool = pool;
    }

    public Uni<UserView> get(UUID id) {
        return pool.preparedQuery(VIEW).execute(Tuple.of(id)).map(rows -> {
            if (rows.size() == 0) {
                throw ProblemException.notFound("No such user.");
            }
            Row row = rows.iterator().next();
            return new UserView(
                    row.getUUID("id"),
                    row.getString("username"),
                    row.getString("display_name"),
                    row.getOffsetDateTime("created_at").toInstant());
        });
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
