package dev.chat.auth;

import dev.chat.common.ChatConfig;
import dev.chat.common.Db;
import dev.chat.common.ProblemException;
import dev.chat.common.Times;
import dev.chat.user.User;
import dev.chat.user.UserRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

/**
 * Accounts and sessions. Password hashing never runs inside a reactive session: each method reads in one
 * short session, hashes on a worker, then writes in its own transaction.
 */
@ApplicationScoped
public class AuthService {

    private static final String USERNAME_INDEX = "users_username_key";
    private static final String BAD_CREDENTIALS = "Invalid username or password.";
    private static final String BAD_REFRESH = "The refresh token is invalid, expired or already used.";

    private final UserRepository users;
    private final RefreshTokenRepository refreshTokens;
    private final WsTicketRepository tickets;
    private final TokenFamilyRepository families;
    private final TokenService tokens;
    private final PasswordHasher hasher;
    private final Duration ticketTtl;

    AuthService(
            UserRepository users,
            RefreshTokenRepository refreshTokens,
            WsTicketRepository tickets,
            TokenFamilyRepository families,
            TokenService tokens,
            PasswordHasher hasher,
            ChatConfig config) {
        this.users = users;
        this.refreshTokens = refreshTokens;
        this.tickets = tickets;
        this.families = families;
        this.tokens = tokens;
        this.hasher = hasher;
        this.ticketTtl = config.auth().wsTicketTtl();
    }

    /** The caller has passed {@code Limits.register} (per client address). */
    public Uni<Tokens> register(AuthRequests.Register request) {
        // Locale.ROOT: under a Turkish default locale "I".toLowerCase() is a dotless i, a different name.
        String username = request.username().toLowerCase(Locale.ROOT);
        return Panache.withSession(() -> users.findByUsername(username))
                .chain(existing ->
                        existing != null ? Uni.createFrom().failure(taken()) : hasher.hash(request.password()))
                .chain(hash -> Panache.withTransaction(() -> {
                    User user = new User();
                    user.id = UUID.randomUUID();
                    user.username = username;
                    // Already cleaned of invisible edges by the request record, and validated as visible.
                    user.displayName = request.displayName() != null ? request.displayName() : username;
                    user.passwordHash = hash;
                    user.createdAt = Times.now();
                    // Flush now so that a concurrent registration of the same name fails here, as a 409.
                    return users.persistAndFlush(user).chain(tokens::startSession);
                }))
                .onFailure(e -> Db.isUniqueViolation(e, USERNAME_INDEX))
                .transform(e -> taken());
    }

    /**
     * The caller has passed {@code Limits.login} (per username and address), which counts every attempt
     * before this hashes anything: parallel guesses cannot outrun the count.
     */
    public Uni<Tokens> login(AuthRequests.Login request) {
        return Panache.withSession(() -> users.findByUsername(request.username()))
                .chain(user -> hasher.matches(request.password(), user != null ? user.passwordHash : null)
                        .map(ok -> ok ? user : null))
                .chain(user -> user == null
                        ? Uni.createFrom().failure(ProblemException.unauthorized(BAD_CREDENTIALS))
                        : Panache.withTransaction(() -> tokens.startSession(user)));
    }

    /**
     * Rotation with re-use detection, serialized per family by its row lock ({@link TokenFamilyRepository#lock}).
     * The outcome is decided and committed first (a re-use must commit the family's revocation), and only
     * then turned into a 401.
     */
    public Uni<Tokens> refresh(String refreshToken) {
        byte[] hash = Secrets.hash(refreshToken);
        Instant now = Times.now();
        return Panache.withTransaction(() -> refreshTokens
                        .findByHash(hash)
                        .chain(token -> token == null
                                ? Uni.createFrom().<Tokens>nullItem()
                                : families.lock(token.familyId).chain(family -> rotate(token, family, now))))
                .onItem()
                .ifNull()
                .failWith(() -> ProblemException.unauthorized(BAD_REFRESH));
    }

    /** Under the family lock: a new token, or null (and, for a re-used live token, the family revoked). */
    private Uni<Tokens> rotate(RefreshToken token, TokenFamily family, Instant now) {
        if (family == null || !family.isLive(now)) {
            return Uni.createFrom().nullItem(); // revoked, or past the session's absolute lifetime
        }
        return refreshTokens.markRotated(token.id, now).chain(rotated -> {
            if (rotated == 1) {
                return users.findById(token.userId)
                        .chain(user -> user == null ? Uni.createFrom().nullItem() : tokens.issue(user, family));
            }
            if (token.expiresAt.isAfter(now)) {
                // Live but already rotated: someone holds a copy. End the whole family.
                return revoke(family, now).replaceWith((Tokens) null);
            }
            return Uni.createFrom().nullItem();
        });
    }

    /** Ends the session the refresh token belongs to, if it is the caller's; unknown tokens change nothing. */
    public Uni<Void> logout(UUID callerId, String refreshToken) {
        byte[] hash = Secrets.hash(refreshToken);
        Instant now = Times.now();
        return Panache.withTransaction(() -> refreshTokens
                .findByHash(hash)
                .chain(token -> token != null && token.userId.equals(callerId)
                        ? families.lock(token.familyId)
                                .chain(family ->
                                        family == null ? Uni.createFrom().voidItem() : revoke(family, now))
                        : Uni.createFrom().voidItem()));
    }

    /** Under the family lock: the family and every token in it, including one minted a moment ago. */
    private Uni<Void> revoke(TokenFamily family, Instant now) {
        if (family.revokedAt == null) {
            family.revokedAt = now;
        }
        return refreshTokens.revokeFamily(family.id, now).replaceWithVoid();
    }

    /**
     * A ticket for the access token that expires at {@code tokenExpiresAt}: it carries that expiry to the
     * connection it opens, and is itself never valid past it (a ticket must not outlive what minted it).
     */
    public Uni<WsTicketView> issueTicket(UUID userId, Instant tokenExpiresAt) {
        String ticket = Secrets.generate();
        Instant now = Times.now();
        WsTicket row = new WsTicket();
        row.ticketHash = Secrets.hash(ticket);
        row.userId = userId;
        Instant ticketExpiry = now.plus(ticketTtl);
        row.expiresAt = ticketExpiry.isBefore(tokenExpiresAt) ? ticketExpiry : tokenExpiresAt;
        row.tokenExpiresAt = tokenExpiresAt;
        // Expired tickets are swept here, by the ones who make new ones: the table stays small without a timer.
        return Panache.withTransaction(() -> tickets.sweepExpired(now).chain(() -> tickets.persist(row)))
                .replaceWith(new WsTicketView(
                        ticket, Math.max(0, Duration.between(now, row.expiresAt).toSeconds())));
    }

    /** Who a redeemed ticket lets in, and until when: the expiry of the access token that minted it. */
    public record RedeemedTicket(UUID userId, Instant tokenExpiresAt) {}

    /** Redeems a ticket once: its user and token expiry if it was valid, else null. Of two concurrent redeemers one wins. */
    public Uni<RedeemedTicket> redeemTicket(String ticket) {
        byte[] hash = Secrets.hash(ticket);
        Instant now = Times.now();
        return Panache.withTransaction(() -> tickets.findById(hash)
                .chain(found -> found == null
                        ? Uni.createFrom().<RedeemedTicket>nullItem()
                        : tickets.consume(hash, now)
                                .map(deleted ->
                                        deleted == 1 ? new RedeemedTicket(found.userId, found.tokenExpiresAt) : null)));
    }

    private static ProblemException taken() {
        return ProblemException.conflict("That username is taken.");
    }
}
