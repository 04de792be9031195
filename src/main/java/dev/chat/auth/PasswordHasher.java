package dev.chat.auth;

import dev.chat.common.ChatConfig;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * bcrypt, always on a worker thread: a hash costs tens of milliseconds of CPU that must not stall an
 * event loop. {@code executeBlocking} hands the result back on the caller's Vert.x context, so a
 * reactive session opened afterwards is on the right thread.
 */
@ApplicationScoped
public class PasswordHasher {

    private final Vertx vertx;
    private final int cost;
    /** Checked against when the user does not exist, so that "unknown user" costs as much as "wrong password". */
    private volatile String decoy;

    PasswordHasher(Vertx vertx, ChatConfig config) {
        this.vertx = vertx;
        this.cost = config.auth().bcryptCost();
    }

    public Uni<String> hash(String password) {
        return vertx.executeBlocking(Uni.createFrom().item(() -> BcryptUtil.bcryptHash(password, cost)));
    }

    /** Verifies a password; a null hash (unknown user) is checked against a decoy and always fails. */
    public Uni<Boolean> matches(String password, String hash) {
        return vertx.executeBlocking(Uni.createFrom().item(() -> {
            boolean ok = BcryptUtil.matches(password, hash != null ? hash : decoy());
            return ok && hash != null;
        }));
    }

    /** Made on first use, on a worker: constructing this bean may happen on an event loop. */
    private String decoy() {
        String value = decoy;
        if (value == null) {
            value = BcryptUtil.bcryptHash(Secrets.generate(), cost);
            decoy = value;
        }
        return value;
    }
}
