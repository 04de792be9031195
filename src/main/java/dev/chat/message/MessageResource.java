package dev.chat.message;

import dev.chat.common.Caller;
import dev.chat.common.Ids;
import dev.chat.common.Params;
import dev.chat.common.Problem;
import dev.chat.common.ProblemException;
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

/** Messages, receipts and typing of one room. Every call is room-scoped: a non-member gets 404. */
@Path("/api/rooms/{roomId}")
@Authenticated
@SecurityRequirement(name = "bearer")
@Tag(name = "messages", description = "Messages, receipts and typing of one room; a non-member gets 404.")
public class MessageResource {

    static final int DEFAULT_PAGE = 50;
    static final int MAX_PAGE = 200;

    private final MessageService messages;
    private final ReceiptService receipts;
    private final Caller caller;
    private final Limits limits;

    MessageResource(MessageService messages, ReceiptService receipts, Caller caller, Limits limits) {
        this.messages = messages;
        this.receipts = receipts;
        this.caller = caller;
        this.limits = limits;
    }

    /** 201 for a new message; 200 with the original when the clientMessageId was already used. */
    @POST
    @Path("/messages")
    @Operation(
            operationId = "sendMessage",
            summary = "Send a message",
            description = "Advances the sender's own read watermark to it. A `replyToId` of another room is a 400.")
    @APIResponse(
            responseCode = "201",
            description = "Sent.",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = MessageView.class)))
    @APIResponse(
            responseCode = "200",
            description =
                    "The same `clientMessageId` was already used by this sender in this room: the original message, nothing stored twice.",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = MessageView.class)))
    public Uni<RestResponse<MessageView>> send(
            @Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid")) @RestPath String roomId,
            @Valid @NotNull SendMessageRequest request) {
        return limits.send(caller.id())
                .chain(() -> messages.send(caller.id(), Ids.parse("roomId", roomId), request))
                .map(sent -> RestResponse.status(
                        sent.created() ? RestResponse.Status.CREATED : RestResponse.Status.OK, sent.message()));
    }

    @GET
    @Path("/messages")
    @Operation(
            operationId = "listMessages",
            summary = "A page of a room's history",
            description = "Without a cursor, the latest page. `before` and `after` together are a 400.")
    @APIResponse(
            responseCode = "200",
            description = "Items ascending by seq.",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = MessagePage.class)))
    public Uni<MessagePage> history(
            @Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid")) @RestPath String roomId,
            @Parameter(
                            description = "The page just before this seq.",
                            schema = @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "0"))
                    @RestQuery
                    String before,
            @Parameter(
                            description = "The page just after this seq (catch-up).",
                            schema = @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "0"))
                    @RestQuery
                    String after,
            @Parameter(
                            description = "Page size.",
                            schema =
                                    @Schema(
                                            type = SchemaType.INTEGER,
                                            minimum = "1",
                                            maximum = "200",
                                            defaultValue = "50"))
                    @RestQuery
                    String limit) {
        var room = Ids.parse("roomId", roomId);
        Long beforeSeq = Params.optionalLong("before", before);
        Long afterSeq = Params.optionalLong("after", after);
        int size = Params.intInRange("limit", limit, DEFAULT_PAGE, 1, MAX_PAGE);
        if (beforeSeq != null && afterSeq != null) {
            throw ProblemException.invalid(List.of(
                    new Problem.FieldError("before", "cannot be combined with after"),
                    new Problem.FieldError("after", "cannot be combined with before")));
        }
        return messages.history(caller.id(), room, beforeSeq, afterSeq, size);
    }

    @PATCH
    @Path("/messages/{messageId}")
    @Operation(operationId = "editMessage", summary = "Edit a message's body", description = "Author only.")
    @APIResponse(
            responseCode = "200",
            description = "The edited message (`editedAt` set).",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = MessageView.class)))
    @APIResponse(
            responseCode = "403",
            description = "Not the author.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    @APIResponse(
            responseCode = "409",
            description = "The message is deleted.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public Uni<MessageView> edit(
            @Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid")) @RestPath String roomId,
            @Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid")) @RestPath String messageId,
            @Valid @NotNull EditMessageRequest request) {
        return messages.edit(caller.id(), Ids.parse("roomId", roomId), Ids.parse("messageId", messageId), request);
    }

    @DELETE
    @Path("/messages/{messageId}")
    @ResponseStatus(204)
    @Operation(
            operationId = "deleteMessage",
            summary = "Delete a message",
            description =
                    "The author, or the room's owner or an admin. The message stays in history as `deleted: true, body: null`; deleting it again changes nothing.")
    @APIResponse(responseCode = "204", description = "Deleted.")
    @APIResponse(
            responseCode = "403",
            description = "Neither the author nor an owner or admin.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public Uni<Void> delete(
            @Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid")) @RestPath String roomId,
            @Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid")) @RestPath String messageId) {
        return messages.delete(caller.id(), Ids.parse("roomId", roomId), Ids.parse("messageId", messageId));
    }

    @POST
    @Path("/receipts")
    @ResponseStatus(204)
    @Operation(
            operationId = "sendReceipt",
            summary = "Move the caller's read or delivered watermark",
            description =
                    "A seq lower than the stored one is ignored; one above the room's `lastSeq` is a 400. Read implies delivered.")
    @APIResponse(responseCode = "204", description = "Recorded (or ignored as lower).")
    public Uni<Void> receipt(
            @Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid")) @RestPath String roomId,
            @Valid @NotNull ReceiptRequest request) {
        return limits.receipt(caller.id())
                .chain(() -> receipts.receipt(caller.id(), Ids.parse("roomId", roomId), request.type(), request.seq()));
    }

    @POST
    @Path("/typing")
    @ResponseStatus(204)
    @Operation(
            operationId = "sendTyping",
            summary = "Say that the caller is typing, or stopped",
            description = "Relayed to the other members' connections as a `typing` event; not stored.")
    @APIResponse(responseCode = "204", description = "Relayed.")
    public Uni<Void> typing(
            @Parameter(schema = @Schema(type = SchemaType.STRING, format = "uuid")) @RestPath String roomId,
            @Valid @NotNull TypingRequest request) {
        return limits.typing(caller.id())
                .chain(() -> receipts.typing(caller.id(), Ids.parse("roomId", roomId), request.typing()));
    }
}
