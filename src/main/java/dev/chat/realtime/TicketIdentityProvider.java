package dev.chat.realtime;

import dev.chat.auth.AuthService;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Redeems a WebSocket ticket (once) into an identity whose principal name is the ticket's user id, with the
 * expiry of the access token that minted the ticket as attribute {@value #TOKEN_EXPIRES_AT}.
 */
@ApplicationScoped
public class TicketIdentityProvider implements IdentityProvider<TicketAuthenticationRequest> {

    /** An {@link java.time.Instant}: when the connection's credentials end ({@link ChatSocket} closes it with 4001). */
    static final String TOKEN_EXPIRES_AT = "chat.token-expires-at";

    private final AuthService auth;

    TicketIdentityProvider(AuthService auth) {
        this.auth = auth;
    }

    @Override
    public Class<TicketAuthenticationRequest> getRequestType() {
        return TicketAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(
            TicketAuthenticationRequest request, AuthenticationRequestContext context) {
        return auth.redeemTicket(request.ticket()).map(redeemed -> {
            if (redeemed == null) {
                throw new AuthenticationFailedException("The ticket is invalid, expired or already used.");
            }
            return QuarkusSecurityIdentity.builder()
                    .setPrincipal(new QuarkusPrincipal(redeemed.userId().toString()))
                    .addAttribute(TOKEN_EXPIRES_AT, redeemed.tokenExpiresAt())
                    .build();
        });
    }
}
