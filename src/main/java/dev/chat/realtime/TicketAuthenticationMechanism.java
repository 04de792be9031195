package dev.chat.realtime;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Set;

/**
 * Browsers cannot set headers on a WebSocket, so the {@code /ws} upgrade (and nothing else) also accepts a
 * single-use ticket from {@code POST /api/auth/ws-ticket} as {@code ?ticket=}. Without the parameter this
 * mechanism steps aside and the bearer-token mechanism decides; with it, the ticket alone decides: a used,
 * expired or unknown ticket fails the upgrade with 401.
 */
@ApplicationScoped
public class TicketAuthenticationMechanism implements HttpAuthenticationMechanism {

    static final String PATH = "/ws";
    static final String PARAMETER = "ticket";

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        if (!PATH.equals(context.normalizedPath())) {
            return Uni.createFrom().nullItem();
        }
        String ticket = context.request().getParam(PARAMETER);
        if (ticket == null) {
            return Uni.createFrom().nullItem();
        }
        return identityProviderManager.authenticate(
                HttpSecurityUtils.setRoutingContextAttribute(new TicketAuthenticationRequest(ticket), context));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, null, null));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(TicketAuthenticationRequest.class);
    }
}
