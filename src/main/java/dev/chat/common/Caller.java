package dev.chat.common;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import java.security.Principal;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The authenticated user of the current request. The id comes from the verified token's {@code sub}, never from input. */
@RequestScoped
public class Caller {

    private final SecurityIdentity identity;

    Caller(SecurityIdentity identity) {
        this.identity = identity;
    }

    public UUID id() {
        if (identity.isAnonymous()) {
            throw ProblemException.unauthorized("A valid bearer access token is required.");
        }
        return userIdOf(identity);
    }

    /** When the caller's bearer access token expires: its {@code exp}. */
    public Instant tokenExpiresAt() {
        if (!(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            throw ProblemException.unauthorized("A valid bearer access token is required.");
        }
        return Instant.ofEpochSecond(jwt.getExpirationTime());
    }

    /**
     * The user id of an authenticated identity, for REST and WebSocket alike: a JWT's principal name is its
     * upn, so its id is the subject; an identity from a WebSocket ticket is named by the user id.
     */
    public static UUID userIdOf(SecurityIdentity identity) {
        Principal principal = identity.getPrincipal();
        return UUID.fromString(principal instanceof JsonWebToken jwt ? jwt.getSubject() : principal.getName());
    }
}
