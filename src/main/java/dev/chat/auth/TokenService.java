package dev.chat.auth;

import dev.chat.common.ChatConfig;
import dev.chat.common.Times;
import dev.chat.user.User;
import dev.chat.user.UserView;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

/** Issues the token pair: an RS256 access token (stateless) and a refresh token (stored hashed). */
@ApplicationScoped
public class TokenService {

    private final ChatConfig.Jwt config;
    private final RefreshTokenRepository refreshTokens;

    TokenService(ChatConfig config, RefreshTokenRepository refreshTokens) {
        this.config = config.jwt();
        this.refreshTokens = refreshTokens;
    }

    /** Must run inside a transaction: it stores the new refresh token in the given family. */
    public Uni<Tokens> issue(User user, UUID familyId) {
        Instant now = Times.now();
        String refresh = Secrets.generate();
        RefreshToken row = new RefreshToken();
        row.id = UUID.randomUUID();
        row.userId = user.id;
        row.familyId = familyId;
        row.tokenHash = Secrets.hash(refresh);
        row.createdAt = now;
        row.expiresAt = now.plus(config.refreshTokenTtl());
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
