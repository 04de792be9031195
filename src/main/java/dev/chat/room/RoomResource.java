package dev.chat.room;

import dev.chat.common.Caller;
import dev.chat.common.Ids;
import dev.chat.common.Params;
import dev.chat.limits.Limits;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.util.List;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

@Path("/api/rooms")
@Authenticated
public class RoomResource {

    public record MemberList(List<MemberView> items) {}

    static final int DEFAULT_PAGE = 50;
    static final int MAX_PAGE = 100;

    private final RoomService rooms;
    private final Caller caller;
    private final Limits limits;

    RoomResource(RoomService rooms, Caller caller, Limits limits) {
        this.rooms = rooms;
        this.caller = caller;
        this.limits = limits;
    }

    @POST
    public Uni<RestResponse<RoomView>> create(@Valid @NotNull CreateRoomRequest request) {
        return limits.createRoom(caller.id())
                .chain(() -> rooms.createGroup(caller.id(), request))
                .map(room -> RestResponse.status(RestResponse.Status.CREATED, room));
    }

    /** 201 the first time for a pair, 200 with the same room after. */
    @POST
    @Path("/direct")
    public Uni<RestResponse<RoomView>> direct(@Valid @NotNull DirectRoomRequest request) {
        return limits.createRoom(caller.id())
                .chain(() -> rooms.direct(caller.id(), request.userId()))
                .map(outcome -> RestResponse.status(
                        outcome.created() ? RestResponse.Status.CREATED : RestResponse.Status.OK, outcome.room()));
    }

    @GET
    public Uni<RoomListQuery.Page> list(@RestQuery String limit, @RestQuery String cursor) {
        return rooms.list(caller.id(), Params.intInRange("limit", limit, DEFAULT_PAGE, 1, MAX_PAGE), cursor);
    }

    @GET
    @Path("/{roomId}")
    public Uni<RoomView> get(@RestPath String roomId) {
        return rooms.get(caller.id(), Ids.parse("roomId", roomId));
    }

    @PATCH
    @Path("/{roomId}")
    public Uni<RoomView> rename(@RestPath String roomId, @Valid @NotNull RenameRoomRequest request) {
        return rooms.rename(caller.id(), Ids.parse("roomId", roomId), request.name());
    }

    @GET
    @Path("/{roomId}/members")
    public Uni<MemberList> members(@RestPath String roomId) {
        return rooms.members(caller.id(), Ids.parse("roomId", roomId)).map(MemberList::new);
    }

    @POST
    @Path("/{roomId}/members")
    public Uni<RestResponse<MemberView>> addMember(@RestPath String roomId, @Valid @NotNull AddMemberRequest request) {
        return rooms.addMember(caller.id(), Ids.parse("roomId", roomId), request.userId())
                .map(member -> RestResponse.status(RestResponse.Status.CREATED, member));
    }

    @PATCH
    @Path("/{roomId}/members/{userId}")
    public Uni<MemberView> changeRole(
            @RestPath String roomId, @RestPath String userId, @Valid @NotNull ChangeRoleRequest request) {
        return rooms.changeRole(caller.id(), Ids.parse("roomId", roomId), Ids.parse("userId", userId), request.role());
    }

    /** Removing yourself is leaving. */
    @DELETE
    @Path("/{roomId}/members/{userId}")
    @ResponseStatus(204)
    public Uni<Void> removeMember(@RestPath String roomId, @RestPath String userId) {
        return rooms.removeMember(caller.id(), Ids.parse("roomId", roomId), Ids.parse("userId", userId));
    }
}
