package dev.chat.realtime;

import dev.chat.common.Caller;
import dev.chat.common.ChatConfig;
import io.quarkus.websockets.next.HttpUpgradeCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;

/**
 * API.md: a user may hold up to {@code chat.ws.max-connections-per-user} connections; past it the upgrade is
 * refused with 429 (and {@code Retry-After}), before any 101. Counted per instance, at the upgrade: a burst
 * of simultaneous upgrades by one user may pass the bound by the few that race.
 */
@ApplicationScoped
public class ConnectionCap implements HttpUpgradeCheck {

    private static final Map<String, List<String>> RETRY_AFTER = Map.of("Retry-After", List.of("5"));

    private final Hubs hubs;
    private final int max;

    ConnectionCap(Hubs hubs, ChatConfig config) {
        this.hubs = hubs;
        this.max = config.ws().maxConnectionsPerUser();
    }

    @Override
    public Uni<CheckResult> perform(HttpUpgradeContext context) {
        return context.securityIdentity().chain(identity -> {
            if (identity == null || identity.isAnonymous()) {
                return CheckResult.permitUpgrade(); // the security check answers 401
            }
            return hubs.openConnectionsOf(Caller.userIdOf(identity)) >= max
                    ? CheckResult.rejectUpgrade(429, RETRY_AFTER)
                    : CheckResult.permitUpgrade();
        });
    }
}
