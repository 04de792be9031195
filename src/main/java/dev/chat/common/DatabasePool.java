package dev.chat.common;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;

/**
 * Builds the reactive PostgreSQL pool the way Quarkus would, plus the two waits Quarkus has no setting for:
 * how long a request may wait for a free connection, and how many may wait at once. Without them a request
 * behind a stuck or saturated database waits 30 s (Vert.x' default) in an unbounded queue; with them it is
 * refused quickly with 503 ({@link ProblemMappers}).
 */
@Singleton
public class DatabasePool implements PgPoolCreator {

    private final ChatConfig.Database config;

    DatabasePool(ChatConfig config) {
        this.config = config.database();
    }

    /** {@code PgPool.pool} although deprecated: Quarkus casts what a creator returns to {@code PgPool}. */
    @Override
    @SuppressWarnings("deprecation")
    public Pool create(Input input) {
        PoolOptions options = input.poolOptions()
                .setConnectionTimeout((int) config.poolWaitTimeout().toMillis())
                .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS)
                .setMaxWaitQueueSize(config.poolMaxWaitQueue());
        return PgPool.pool(input.vertx(), input.pgConnectOptionsList(), options);
    }
}
