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
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

/** Messages, receipts and typing of one room. Every call is room-scoped: a non-member gets 404. */
@Path("/api/rooms/{roomId}")
@Authenticated
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
    public Uni<RestResponse<MessageView>> send(@RestPath String roomId, @Valid @NotNull SendMessageRequest request) {
        return limits.send(caller.id())
                .chain(() -> messages.send(caller.id(), Ids.parse("roomId", roomId), request))
                .map(sent -> RestResponse.status(
                        sent.created() ? RestResponse.Status.CREATED : RestResponse.Status.OK, sent.message()));
    }

    @GET
    @Path("/messages")
    public Uni<MessagePage> history(
            @RestPath String roomId, @RestQuery String before, @RestQuery String after, @RestQuery String limit) {
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
    public Uni<MessageView> edit(
            @RestPath String roomId, @RestPath String messageId, @Valid @NotNull EditMessageRequest request) {
        return messages.edit(caller.id(), Ids.parse("roomId", roomId), Ids.parse("messageId", messageId), request);
    }

    @DELETE
    @Path("/messages/{messageId}")
    @ResponseStatus(204)
    public Uni<Void> delete(@RestPath String roomId, @RestPath String messageId) {
        return messages.delete(caller.id(), Ids.parse("roomId", roomId), Ids.parse("messageId", messageId));
    }

    @POST
    @Path("/receipts")
    @ResponseStatus(204)
    public Uni<Void> receipt(@RestPath String roomId, @Valid @NotNull ReceiptRequest request) {
        return limits.receipt(caller.id())
                .chain(() -> receipts.receipt(caller.id(), Ids.parse("roomId", roomId), request.type(), request.seq()));
    }

    @POST
    @Path("/typing")
    @ResponseStatus(204)
    public Uni<Void> typing(@RestPath String roomId, @Valid @NotNull TypingRequest request) {
        return limits.typing(caller.id())
                .chain(() -> receipts.typing(caller.id(), Ids.parse("roomId", roomId), request.typing()));
    }
}
