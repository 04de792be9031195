package dev.chat.auth;

import dev.chat.common.Caller;
import dev.chat.common.Problem;
import dev.chat.limits.Limits;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.RestResponse;

@Path("/api/auth")
@Tag(name = "auth", description = "Accounts and tokens.")
public class AuthResource {

    private final AuthService auth;
    private final Caller caller;
    private final Limits limits;

    AuthResource(AuthService auth, Caller caller, Limits limits) {
        this.auth = auth;
        this.caller = caller;
        this.limits = limits;
    }

    @POST
    @Path("/register")
    @PermitAll
    @Operation(operationId = "register", summary = "Create an account and sign in")
    @APIResponse(
            responseCode = "201",
            description = "Registered and signed in.",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Tokens.class)))
    @APIResponse(
            responseCode = "409",
            description = "The username is taken.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public Uni<RestResponse<Tokens>> register(@Valid @NotNull AuthRequests.Register request) {
        return limits.register()
                .chain(() -> auth.register(request))
                .map(tokens -> RestResponse.status(RestResponse.Status.CREATED, tokens));
    }

    @POST
    @Path("/login")
    @PermitAll
    @Operation(operationId = "login", summary = "Sign in with username and password")
    @APIResponse(
            responseCode = "200",
            description = "Signed in.",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Tokens.class)))
    @APIResponse(
            responseCode = "401",
            description = "Wrong username or password (the same answer for both).",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public Uni<Tokens> login(@Valid @NotNull AuthRequests.Login request) {
        return limits.login(request.username()).chain(() -> auth.login(request));
    }

    @POST
    @Path("/refresh")
    @PermitAll
    @Operation(
            operationId = "refreshTokens",
            summary = "Trade a refresh token for new tokens",
            description = "Rotation: the refresh token used stops working. Re-using a rotated token answers 401 and"
                    + " revokes the whole token family.")
    @APIResponse(
            responseCode = "200",
            description = "New tokens.",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = Tokens.class)))
    @APIResponse(
            responseCode = "401",
            description = "Unknown, expired, revoked or re-used.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(ref = "Problem")))
    public Uni<Tokens> refresh(@Valid @NotNull AuthRequests.Refresh request) {
        return auth.refresh(request.refreshToken());
    }

    @POST
    @Path("/logout")
    @Authenticated
    @ResponseStatus(204)
    @SecurityRequirement(name = "bearer")
    @Operation(operationId = "logout", summary = "Revoke a refresh token")
    @APIResponse(responseCode = "204", description = "That refresh token is revoked.")
    public Uni<Void> logout(@Valid @NotNull AuthRequests.Refresh request) {
        return auth.logout(caller.id(), request.refreshToken());
    }

    @POST
    @Path("/ws-ticket")
    @Authenticated
    @SecurityRequirement(name = "bearer")
    @Operation(
            operationId = "createWsTicket",
            summary = "Get a single-use ticket for the WebSocket",
            description = "For browsers, which cannot set headers on a WebSocket: connect with `GET /ws?ticket=...`"
                    + " within `expiresIn` seconds.")
    @APIResponse(
            responseCode = "200",
            description = "A ticket.",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = WsTicketView.class)))
    public Uni<WsTicketView> wsTicket() {
        return auth.issueTicket(caller.id(), caller.tokenExpiresAt());
    }
}
