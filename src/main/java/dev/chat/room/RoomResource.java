package dev.chat.room;

import dev.chat.common.Caller;
import dev.chat.common.Ids;
import dev.chat.common.Params;
import dev.chat.common.Problem;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

@Path("/api/rooms")
@Authenticated
@SecurityRequirement(name = "bearer")
@Tag(name = "rooms", description = "Conversations (group and direct) and their members.")
public class RoomResource {

    @Schema(name = "MemberList")
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
    @Operation(
            operationId = "createRoom",
            summary = "Create a group room",
            description = "The caller becomes its owner. An unknown member id is a 400.")
    @APIResponse(
            responseCode = "201",
            description = "The new room.",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = RoomView.class)))
    public Uni<RestResponse<RoomView>> create(@Valid @NotNull CreateRoomRequest request) {
        return limits.createRoom(caller.id())
                .chain(() -> rooms.createGroup(caller.id(), request))
                .map(room -> RestResponse.status(RestResponse.Status.CREATED, room));
    }

    /** 201 the first time for a pair, 200 with the same room after. */
    @POST
    @Path("/direct")
    @Operation(
            operationId = "openDirectRoom",
            summary = "Open the direct room with a user",
            description =
                    "One direct room per pair: created on the first call, the same room after. With yourself, or an unknown user: 400.")
    @APIResponse(
            responseCode = "201",
            description = "Created.",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = RoomView.class)))
    @APIResponse(
            responseCode = "200",
            description = "It already existed.",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = RoomView.class)))
    public Uni<RestResponse<RoomView>> direct(@Valid @NotNull DirectRoomRequest request) {
        return limits.createRoom(caller.id())
                .chain(() -> rooms.direct(caller.id(), request.userId()))
                .map(outcome -> RestResponse.status(
                        outcome.created() ? RestResponse.Status.CREATED : RestResponse.Status.OK, outcome.room()));
    }

    @GET
    @Operation(operationId = "listRooms", summary = "The caller's rooms, most recent activity first")
    @APIResponse(
            responseCode = "200",
            description = "One page of rooms.",
            content =
                    @Content(
                            mediaType = "application/json",
                            schema = @Schema(implementation = RoomListQuery.Page.class)))
    public Uni<RoomListQuery.Page> list(
            @Parameter(
                            description = "Page size.",
                            schema =
                                    @Schema(
                                            type = SchemaType.INTEGER,
                                            minimum = "1",
                                            maximum = "100",
                                            defaultValue = "50"))
                    @RestQuery
                    String limit,
            @Parameter(description = "The `nextCursor` of the previous page; omit for the first page.") @RestQuery
                    String cursor) {
        return rooms.list(caller.id(), Params.intInRange("limit", limit, DEFAULT_PAGE, 1, MAX_PAGE), cursor);
    }

    @GET
    @Path("/{roomId}")
    @Operation(operationId = "getRoom", summary = "A room")
    @APIResponse(
            responseCode = "200",
            description = "The room.",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = RoomView.class)))
    public Uni<RoomView> get(
            @Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid")) @RestPath String roomId) {
        return rooms.get(caller.id(), Ids.parse("roomId", roomId));
    }

    @PATCH
    @Path("/{roomId}")
    @Operation(
            operationId = "renameRoom",
            summary = "Rename a group room",
            description = "Owner or admin only; a direct room has no name (400).")
    @APIResponse(
            responseCode = "200",
            description = "The renamed room.",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = RoomView.class)))
    @APIResponse(
            responseCode = "403",
            description = "Not the owner or an admin.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public Uni<RoomView> rename(
            @Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid")) @RestPath String roomId,
            @Valid @NotNull RenameRoomRequest request) {
        return rooms.rename(caller.id(), Ids.parse("roomId", roomId), request.name());
    }

    @GET
    @Path("/{roomId}/members")
    @Operation(operationId = "listMembers", summary = "The members of a room")
    @APIResponse(
            responseCode = "200",
            description = "Every member.",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = MemberList.class)))
    public Uni<MemberList> members(
            @Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid")) @RestPath String roomId) {
        return rooms.members(caller.id(), Ids.parse("roomId", roomId)).map(MemberList::new);
    }

    @POST
    @Path("/{roomId}/members")
    @Operation(
            operationId = "addMember",
            summary = "Add a member to a group room",
            description = "Owner or admin only; a direct room's members are fixed (400); an unknown user is a 400.")
    @APIResponse(
            responseCode = "201",
            description = "The new member.",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = MemberView.class)))
    @APIResponse(
            responseCode = "403",
            description = "Not the owner or an admin.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    @APIResponse(
            responseCode = "409",
            description = "That user is already a member.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public Uni<RestResponse<MemberView>> addMember(
            @Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid")) @RestPath String roomId,
            @Valid @NotNull AddMemberRequest request) {
        return rooms.addMember(caller.id(), Ids.parse("roomId", roomId), request.userId())
                .map(member -> RestResponse.status(RestResponse.Status.CREATED, member));
    }

    @PATCH
    @Path("/{roomId}/members/{userId}")
    @Operation(
            operationId = "changeMemberRole",
            summary = "Make a member an admin or a plain member",
            description =
                    "Owner only. Ownership passes only when the owner leaves: the owner's own role cannot change (400).")
    @APIResponse(
            responseCode = "200",
            description = "The member, changed.",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = MemberView.class)))
    @APIResponse(
            responseCode = "403",
            description = "Not the owner.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public Uni<MemberView> changeRole(
            @Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid")) @RestPath String roomId,
            @Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid")) @RestPath String userId,
            @Valid @NotNull ChangeRoleRequest request) {
        return rooms.changeRole(
                caller.id(), Ids.parse("roomId", roomId), Ids.parse("userId", userId), Role.of(request.role()));
    }

    /** Removing yourself is leaving. */
    @DELETE
    @Path("/{roomId}/members/{userId}")
    @ResponseStatus(204)
    @Operation(
            operationId = "removeMember",
            summary = "Remove a member, or leave",
            description =
                    "Removing yourself is leaving; when the owner leaves, the longest-standing member becomes owner. Removing someone else: the owner anyone, an admin only plain members. A direct room's members are fixed (400).")
    @APIResponse(responseCode = "204", description = "Removed.")
    @APIResponse(
            responseCode = "403",
            description = "Not allowed to remove that member.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public Uni<Void> removeMember(
            @Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid")) @RestPath String roomId,
            @Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid")) @RestPath String userId) {
        return rooms.removeMember(caller.id(), Ids.parse("roomId", roomId), Ids.parse("userId", userId));
    }
}
