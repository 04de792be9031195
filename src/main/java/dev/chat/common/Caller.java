package dev.chat.common;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import java.security.Principal;
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
        // A JWT's principal name is its upn; the user id is the subject.
        Principal principal = identity.getPrincipal();
        return UUID.fromString(principal instanceof JsonWebToken jwt ? jwt.getSubject() : principal.getName());
    }
}
