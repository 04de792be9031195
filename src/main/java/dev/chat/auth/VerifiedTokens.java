package dev.chat.auth;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Verifies bearer access tokens (in place of SmallRye JWT's own identity provider, which it outranks) and
 * remembers the ones that verified until they expire, so that a client's next requests with the same token
 * skip the parse and the RSA signature check.
 *
 * <p>Why: that verification was the largest part of the CPU of a trivial authenticated request (profile.sh
 * me and send: jose4j's {@code JwtConsumer.process} and the RSA verify on top of the request path), and a
 * client sends the same token with every request for its whole lifetime (15 minutes by default).
 *
 * <p>Safe because the key is the token's exact text: a remembered entry answers only a byte-for-byte copy of
 * a token whose signature, issuer and expiry were verified by SmallRye JWT, and is dropped at the token's
 * {@code exp} (no clock skew allowance: a remembered token ends a second earlier than a fresh parse would let
 * it). Refused tokens are not remembered. Whether the token's user still exists is not part of this: {@link
 * ActiveUserAugmentor} checks it on every request as before. The memory is bounded ({@value #MAX_REMEMBERED}
 * tokens, about 3 KB each); past it the expired go first, then all.
 */
@ApplicationScoped
public class VerifiedTokens implements IdentityProvider<TokenAuthenticationRequest> {

    static final int MAX_REMEMBERED = 10_000;

    /** Above SmallRye JWT's provider (the default 1001): this one answers every bearer token first. */
    private static final int PRIORITY = 2000;

    private record Verified(JsonWebToken jwt, long expiresAtSeconds) {}

    private final JWTParser parser;
    private final boolean blocking;
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    VerifiedTokens(
            JWTParser parser,
            @ConfigProperty(name = "mp.jwt.verify.publickey.location") Optional<String> keyLocation,
            @ConfigProperty(name = "mp.jwt.decrypt.key.location") Optional<String> decryptKeyLocation) {
        this.parser = parser;
        // As SmallRye JWT decides: a key fetched over HTTP may block, so the parse then runs on a worker.
        this.blocking = keyLocation.filter(l -> l.startsWith("http")).isPresent()
                || decryptKeyLocation.filter(l -> l.startsWith("http")).isPresent();
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
        return TokenAuthenticationRequest.class;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(
            TokenAuthenticationRequest request, AuthenticationRequestContext context) {
        String token = request.getToken().getToken();
        long now = System.currentTimeMillis() / 1000;
        Verified known = verified.get(token);
        if (known != null) {
            if (now < known.expiresAtSeconds()) {
                return Uni.createFrom().item(identity(request, known.jwt()));
            }
            verified.remove(token, known);
        }
        if (blocking) {
            return context.runBlocking(() -> verify(request, token, now));
        }
        try {
            return Uni.createFrom().item(verify(request, token, now));
        } catch (AuthenticationFailedException e) {
            return Uni.createFrom().failure(e);
        }
    }

    /** The tokens remembered now, for tests. */
    int size() {
        return verified.size();
    }

    private SecurityIdentity verify(TokenAuthenticationRequest request, String token, long now) {
        JsonWebToken jwt;
        try {
            jwt = parser.parse(token);
        } catch (ParseException e) {
            throw new AuthenticationFailedException(e);
        }
        remember(token, jwt, now);
        return identity(request, jwt);
    }

    private void remember(String token, JsonWebToken jwt, long now) {
        long exp = jwt.getExpirationTime();
        if (exp <= now) {
            return;
        }
        if (verified.size() >= MAX_REMEMBERED) {
            verified.values().removeIf(v -> v.expiresAtSeconds() <= now);
            if (verified.size() >= MAX_REMEMBERED) {
                verified.clear();
            }
        }
        verified.put(token, new Verified(jwt, exp));
    }

    /** The identity SmallRye JWT's provider builds: the token as principal and credential, its groups as roles. */
    private static SecurityIdentity identity(TokenAuthenticationRequest request, JsonWebToken jwt) {
        QuarkusSecurityIdentity.Builder identity = QuarkusSecurityIdentity.builder()
                .setPrincipal(jwt)
                .addCredential(request.getToken())
                .addRoles(jwt.getGroups())
                .addAttribute("quarkus.user", jwt);
        RoutingContext routing = HttpSecurityUtils.getRoutingContextAttribute(request);
        if (routing != null) {
            identity.addAttribute(RoutingContext.class.getName(), routing);
        }
        return identity.build();
    }
}
