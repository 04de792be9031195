package dev.chat.auth;

import dev.chat.common.ChatConfig;
import dev.chat.common.Times;
import dev.chat.user.User;
import dev.chat.user.UserView;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** Issues the token pair: an RS256 access token (stateless) and a refresh token (stored hashed). */
@ApplicationScoped
public class TokenService {

    private final ChatConfig.Jwt config;
    private final Duration sessionLifetime;
    private final RefreshTokenRepository refreshTokens;
    private final TokenFamilyRepository families;

    TokenService(ChatConfig config, RefreshTokenRepository refreshTokens, TokenFamilyRepository families) {
        this.config = config.jwt();
        this.sessionLifetime = config.sessions().absoluteLifetime();
        this.refreshTokens = refreshTokens;
        this.families = families;
    }

    /** Must run inside a transaction: starts a session (a new token family) and issues its first tokens. */
    public Uni<Tokens> startSession(User user) {
        TokenFamily family = new TokenFamily();
        family.id = UUID.randomUUID();
        family.userId = user.id;
        family.createdAt = Times.now();
        family.expiresAt = family.createdAt.plus(sessionLifetime);
        return families.persist(family).chain(saved -> issue(user, saved));
    }

    /**
     * Must run inside a transaction: stores the new refresh token in the given family. It expires with its
     * own lifetime or with the session, whichever comes first.
     */
    public Uni<Tokens> issue(User user, TokenFamily family) {
        Instant now = Times.now();
        String refresh = Secrets.generate();
        RefreshToken row = new RefreshToken();
        row.id = UUID.randomUUID();
        row.userId = user.id;
        row.familyId = family.id;
        row.tokenHash = Secrets.hash(refresh);
        row.createdAt = now;
        Instant own = now.plus(config.refreshTokenTtl());
        row.expiresAt = own.isBefore(family.expiresAt) ? own : family.expiresAt;
        return refreshTokens
                .persist(row)
                .map(saved -> new Tokens(
                        UserView.of(user),
                        accessToken(user, now),
                        refresh,
                        config.accessTokenTtl().toSeconds()));
    }

    private String accessToken(User user, Instant now) {
        return Jwt.issuer(config.issuer())
                .subject(user.id.toString())
                .upn(user.username)
                .groups(Set.of("user"))
                .issuedAt(now)
                .expiresAt(now.plus(config.accessTokenTtl()))
                .sign();
    }
}
