package dev.chat.user;

import dev.chat.common.Caller;
import dev.chat.common.Ids;
import dev.chat.common.Params;
import dev.chat.common.Problem;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

@Path("/api/users")
@Authenticated
@SecurityRequirement(name = "bearer")
@Tag(name = "users", description = "Profiles and user search.")
public class UserResource {

    @Schema(name = "UserList")
    public record UserList(List<UserView> items) {}

    private final UserService users;
    private final Caller caller;

    UserResource(UserService users, Caller caller) {
        this.users = users;
        this.caller = caller;
    }

    @GET
    @Path("/me")
    @Operation(operationId = "getMe", summary = "The caller's own user")
    @APIResponse(
            responseCode = "200",
            description = "The caller.",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = UserView.class)))
    public Uni<UserView> me() {
        return users.get(caller.id());
    }

    @PATCH
    @Path("/me")
    @Operation(operationId = "updateMe", summary = "Change the caller's display name")
    @APIResponse(
            responseCode = "200",
            description = "The caller, changed.",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = UserView.class)))
    public Uni<UserView> updateMe(@Valid @NotNull UpdateProfileRequest request) {
        return users.rename(caller.id(), request.displayName());
    }

    @GET
    @Path("/{userId}")
    @Operation(operationId = "getUser", summary = "A user, with presence")
    @APIResponse(
            responseCode = "200",
            description = "The user.",
            content =
                    @Content(mediaType = "application/json", schema = @Schema(implementation = UserProfileView.class)))
    @APIResponse(
            responseCode = "404",
            description = "No such user.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public Uni<UserProfileView> get(
            @Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid")) @RestPath String userId) {
        return users.profile(Ids.parse("userId", userId));
    }

    @GET
    @Operation(
            operationId = "searchUsers",
            summary = "Find users by username or display-name prefix",
            description = "Case-insensitive prefix match.")
    @APIResponse(
            responseCode = "200",
            description = "Matching users.",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = UserList.class)))
    public Uni<UserList> search(
            @Parameter(
                            description = "The prefix: 1-64 characters, not blank.",
                            required = true,
                            schema = @Schema(type = SchemaType.STRING, pattern = "\\S", minLength = 1, maxLength = 64))
                    @RestQuery
                    @NotBlank
                    @Size(max = 64)
                    String query,
            @Parameter(
                            description = "At most this many users.",
                            schema =
                                    @Schema(
                                            type = SchemaType.INTEGER,
                                            minimum = "1",
                                            maximum = "100",
                                            defaultValue = "20"))
                    @RestQuery
                    String limit) {
        return users.search(query, Params.intInRange("limit", limit, 20, 1, 100))
                .map(UserList::new);
    }
}
