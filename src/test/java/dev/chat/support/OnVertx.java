package dev.chat.support;

import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.function.Supplier;

/** Runs a reactive service call the way a request does: on a fresh, safe, duplicated Vert.x context. */
public final class OnVertx {

    private OnVertx() {}

    public static <T> T await(Vertx vertx, Supplier<Uni<T>> call) {
        Context context = VertxContext.getOrCreateDuplicatedContext(vertx);
        return Uni.createFrom()
                .<T>emitter(emitter -> context.runOnContext(ignored -> {
                    VertxContextSafetyToggle.setCurrentContextSafe(true);
                    call.get().subscribe().with(emitter::complete, emitter::fail);
                }))
                .await()
                .atMost(Duration.ofSeconds(10));
    }
}
