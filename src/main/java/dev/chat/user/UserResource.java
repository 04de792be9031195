package dev.chat.user;

import dev.chat.common.Caller;
import dev.chat.common.Ids;
import dev.chat.common.Params;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import java.util.List;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

@Path("/api/users")
@Authenticated
public class UserResource {

    public record UserList(List<UserView> items) {}

    private final UserService users;
    private final Caller caller;

    UserResource(UserService users, Caller caller) {
        this.users = users;
        this.caller = caller;
    }

    @GET
    @Path("/me")
    public Uni<UserView> me() {
        return users.get(caller.id());
    }

    @PATCH
    @Path("/me")
    public Uni<UserView> updateMe(@Valid @NotNull UpdateProfileRequest request) {
        return users.rename(caller.id(), request.displayName());
    }

    @GET
    @Path("/{userId}")
    public Uni<UserProfileView> get(@RestPath String userId) {
        return users.profile(Ids.parse("userId", userId));
    }

    @GET
    public Uni<UserList> search(@RestQuery @NotBlank @Size(max = 64) String query, @RestQuery String limit) {
        return users.search(query, Params.intInRange("limit", limit, 20, 1, 100))
                .map(UserList::new);
    }
}
