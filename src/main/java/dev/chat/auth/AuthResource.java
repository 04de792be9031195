package dev.chat.auth;

import dev.chat.common.Caller;
import dev.chat.limits.Limits;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.PermitAll;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.RestResponse;

@Path("/api/auth")
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
    public Uni<RestResponse<Tokens>> register(@Valid @NotNull AuthRequests.Register request) {
        return limits.register()
                .chain(() -> auth.register(request))
                .map(tokens -> RestResponse.status(RestResponse.Status.CREATED, tokens));
    }

    @POST
    @Path("/login")
    @PermitAll
    public Uni<Tokens> login(@Valid @NotNull AuthRequests.Login request) {
        return limits.login(request.username()).chain(() -> auth.login(request));
    }

    @POST
    @Path("/refresh")
    @PermitAll
    public Uni<Tokens> refresh(@Valid @NotNull AuthRequests.Refresh request) {
        return auth.refresh(request.refreshToken());
    }

    @POST
    @Path("/logout")
    @Authenticated
    @ResponseStatus(204)
    public Uni<Void> logout(@Valid @NotNull AuthRequests.Refresh request) {
        return auth.logout(caller.id(), request.refreshToken());
    }

    @POST
    @Path("/ws-ticket")
    @Authenticated
    public Uni<WsTicketView> wsTicket() {
        return auth.issueTicket(caller.id());
    }
}
