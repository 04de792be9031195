package dev.chat.realtime;

import dev.chat.common.Caller;
import dev.chat.common.ChatConfig;
import dev.chat.common.ProblemException;
import dev.chat.fanout.PresenceLedger;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * API.md: a user may hold up to {@code chat.ws.max-connections-per-user} connections; past it the upgrade is
 * refused with 429 (and {@code Retry-After}), before any 101. The check fails with the problem rather than
 * rejecting with a bare status, so that the refusal is problem+json like every other error
 * ({@code HttpErrorRoutes} writes it).
 *
 * <p>Counted across instances: the presence ledger already counts every user's connections cluster-wide (in
 * Redis in redis mode), so the cap reads that count rather than keeping a second one. It is the larger of that
 * and this instance's open sockets, which the ledger may not show yet (a socket is counted once its
 * {@code ready} went out) or any more (Redis down: the ledger falls back to this instance's counts). Two
 * consequences, both on the safe side: a connection closed less than {@code chat.presence.offline-grace} ago
 * still counts; and a burst of simultaneous upgrades by one user may pass the bound by the few that race.
 */
@ApplicationScoped
public class ConnectionCap implements HttpUpgradeCheck {

    private final Hubs hubs;
    private final PresenceLedger ledger;
    private final int max;

    ConnectionCap(Hubs hubs, PresenceLedger ledger, ChatConfig config) {
        this.hubs = hubs;
        this.ledger = ledger;
        this.max = config.ws().maxConnectionsPerUser();
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        return context.securityIdentity().chain(identity -> {
            if (identity == null || identity.isAnonymous()) {
                return CheckResult.permitUpgrade(); // the security check answers 401
            }
            UUID userId = Caller.userIdOf(identity);
            if (hubs.openConnectionsOf(userId) >= max) {
                return tooMany();
            }
            return ledger.connections(userId)
                    .chain(anywhere -> anywhere >= max ? tooMany() : CheckResult.permitUpgrade());
        });
    }

    private Uni<CheckResult> tooMany() {
        return Uni.createFrom()
                .failure(ProblemException.tooManyRequests(
                        "At most " + max + " WebSocket connections per user; close one first.", 5));
    }
}
