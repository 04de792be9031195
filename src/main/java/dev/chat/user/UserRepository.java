package dev.chat.user;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

@ApplicationScoped
public class UserRepository implements PanacheRepositoryBase<User, UUID> {

    public Uni<User> findByUsername(String username) {
        return find("username", username.toLowerCase(Locale.ROOT)).firstResult();
    }

    /** Prefix match on username or display name, case-insensitive; both columns have a prefix index. */
    public Uni<List<User>> searchByPrefix(String prefix, int limit) {
        String pattern = escapeLike(prefix.toLowerCase(Locale.ROOT)) + "%";
        return find(
                        "username like ?1 escape '\\' or lower(displayName) like ?1 escape '\\'",
                        Sort.by("username"),
                        pattern)
                .page(0, limit)
                .list();
    }

    private static String escapeLike(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
