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
    private final TokenService tokens;
    private final PasswordHasher hasher;
    private final LoginThrottle throttle;
    private final Duration ticketTtl;

    AuthService(
            UserRepository users,
            RefreshTokenRepository refreshTokens,
            WsTicketRepository tickets,
            TokenService tokens,
            PasswordHasher hasher,
            LoginThrottle throttle,
            ChatConfig config) {
        this.users = users;
        this.refreshTokens = refreshTokens;
        this.tickets = tickets;
        this.tokens = tokens;
        this.hasher = hasher;
        this.throttle = throttle;
        this.ticketTtl = config.auth().wsTicketTtl();
    }

    public Uni<Tokens> register(AuthRequests.Register request) {
        String username = request.username().toLowerCase();
        return Panache.withSession(() -> users.findByUsername(username))
                .chain(existing ->
                        existing != null ? Uni.createFrom().failure(taken()) : hasher.hash(request.password()))
                .chain(hash -> Panache.withTransaction(() -> {
                    User user = new User();
                    user.id = UUID.randomUUID();
                    user.username = username;
                    user.displayName = request.displayName() != null
                            ? request.displayName().strip()
                            : username;
                    user.passwordHash = hash;
                    user.createdAt = Times.now();
                    // Flush now so that a concurrent registration of the same name fails here, as a 409.
                    return users.persistAndFlush(user).chain(saved -> tokens.issue(saved, UUID.randomUUID()));
                }))
                .onFailure(e -> Db.isUniqueViolation(e, USERNAME_INDEX))
                .transform(e -> taken());
    }

    public Uni<Tokens> login(AuthRequests.Login request) {
        throttle.check(request.username());
        return Panache.withSession(() -> users.findByUsername(request.username()))
                .chain(user -> hasher.matches(request.password(), user != null ? user.passwordHash : null)
                        .map(ok -> ok ? user : null))
                .chain(user -> {
                    if (user == null) {
                        throttle.failed(request.username());
                        return Uni.createFrom().failure(ProblemException.unauthorized(BAD_CREDENTIALS));
                    }
                    throttle.succeeded(request.username());
                    return Panache.withTransaction(() -> tokens.issue(user, UUID.randomUUID()));
                });
    }

    /**
     * Rotation with re-use detection. The outcome is decided and committed first (a re-use must commit the
     * family's revocation), and only then turned into a 401.
     */
    public Uni<Tokens> refresh(String refreshToken) {
        byte[] hash = Secrets.hash(refreshToken);
        Instant now = Times.now();
        return Panache.withTransaction(() -> refreshTokens.findByHash(hash).chain(token -> {
                    if (token == null) {
                        return Uni.createFrom().<Tokens>nullItem();
                    }
                    return refreshTokens.markRotated(token.id, now).chain(rotated -> {
                        if (rotated == 1) {
                            return users.findById(token.userId).chain(user -> tokens.issue(user, token.familyId));
                        }
                        if (token.expiresAt.isAfter(now)) {
                            // Live but already rotated (or revoked): someone holds a copy. End the whole family.
                            return refreshTokens
                                    .revokeFamily(token.familyId, now)
                                    .replaceWith((Tokens) null);
                        }
                        return Uni.createFrom().<Tokens>nullItem();
                    });
                }))
                .onItem()
                .ifNull()
                .failWith(() -> ProblemException.unauthorized(BAD_REFRESH));
    }

    /** Ends the session the refresh token belongs to, if it is the caller's; unknown tokens change nothing. */
    public Uni<Void> logout(UUID callerId, String refreshToken) {
        byte[] hash = Secrets.hash(refreshToken);
        return Panache.withTransaction(() -> refreshTokens
                .findByHash(hash)
                .chain(token -> token != null && token.userId.equals(callerId)
                        ? refreshTokens
                                .revokeFamily(token.familyId, Times.now())
                                .replaceWithVoid()
                        : Uni.createFrom().voidItem()));
    }

    public Uni<WsTicketView> issueTicket(UUID userId) {
        String ticket = Secrets.generate();
        Instant now = Times.now();
        WsTicket row = new WsTicket();
        row.ticketHash = Secrets.hash(ticket);
        row.userId = userId;
        row.expiresAt = now.plus(ticketTtl);
        // Expired tickets are swept here, by the ones who make new ones: the table stays small without a timer.
        return Panache.withTransaction(() -> tickets.sweepExpired(now).chain(() -> tickets.persist(row)))
                .replaceWith(new WsTicketView(ticket, ticketTtl.toSeconds()));
    }

    /** Redeems a ticket once: the user id if it was valid, else null. Of two concurrent redeemers one wins. */
    public Uni<UUID> redeemTicket(String ticket) {
        byte[] hash = Secrets.hash(ticket);
        Instant now = Times.now();
        return Panache.withTransaction(() -> tickets.findById(hash)
                .chain(found -> found == null
                        ? Uni.createFrom().<UUID>nullItem()
                        : tickets.consume(hash, now).map(deleted -> deleted == 1 ? found.userId : null)));
    }

    private static ProblemException taken() {
        return ProblemException.conflict("That username is taken.");
    }
}
