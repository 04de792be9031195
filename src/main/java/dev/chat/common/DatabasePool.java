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
 * refused quickly with 503 ({@link ProblemMappers}). And one limit Quarkus does not expose: the longest statement
 * text the connections keep prepared (Vert.x: 2048 characters) is raised, so that the send batch's statement
 * (MessageRepository.BATCH_SEND, some 3,500) is cached with the rest (quarkus.datasource.reactive.
 * cache-prepared-statements) instead of being parsed for every batch.
 */
@Singleton
public class DatabasePool implements PgPoolCreator {

    /** Characters; every statement of the service is shorter. */
    static final int CACHED_SQL_LIMIT = 16_384;

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
        input.pgConnectOptionsList().forEach(connect -> connect.setPreparedStatementCacheSqlLimit(CACHED_SQL_LIMIT));
        return PgPool.pool(input.vertx(), input.pgConnectOptionsList(), options);
    }
}
