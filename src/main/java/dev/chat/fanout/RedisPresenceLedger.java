package dev.chat.fanout;

import dev.chat.common.ChatConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Typed;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Cluster-wide connection counts in Redis: {@code <prefix>:online} (user: connections anywhere) and, per
 * instance, {@code <prefix>:instance:<id>:conns} (user: connections here), so that the counts of an instance
 * that dies can be taken back. Each instance refreshes {@code <prefix>:instance:<id>:alive} (TTL
 * {@code chat.redis.instance-ttl}) every heartbeat, and sweeps the instances whose key expired: one Lua
 * script, so each dead instance's users are uncounted, and the offline ones reported, exactly once.
 *
 * <p>While Redis is unreachable the local counts answer (presence degrades to this instance's view); when
 * the alive key is found missing (Redis restarted, or we were swept after a long pause), this instance
 * writes its local counts back.
 */
@ApplicationScoped
@Typed(RedisPresenceLedger.class)
public class RedisPresenceLedger implements PresenceLedger {

    private static final Logger LOG = Logger.getLogger(RedisPresenceLedger.class);

    private static final String CONNECTED = """
            redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
            return redis.call('HINCRBY', KEYS[1], ARGV[1], 1)""";

    private static final String DISCONNECTED = """
            local mine = redis.call('HINCRBY', KEYS[2], ARGV[1], -1)
            if mine <= 0 then redis.call('HDEL', KEYS[2], ARGV[1]) end
            if mine < 0 then return tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0') end
            local total = redis.call('HINCRBY', KEYS[1], ARGV[1], -1)
            if total <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) return 0 end
            return total""";

    /**
     * KEYS: alive, instances, conns, online; ARGV: ttl ms, instance id, then this instance's user/count
     * pairs. When the alive key was gone, the instance's counts are set to the local truth, and the totals
     * moved by the difference (connections counted since Redis came back must not count twice).
     */
    private static final String HEARTBEAT = """
            local existed = redis.call('SET', KEYS[1], '1', 'PX', ARGV[1], 'GET')
            redis.call('SADD', KEYS[2], ARGV[2])
            if existed then return 0 end
            local old = {}
            local flat = redis.call('HGETALL', KEYS[3])
            for i = 1, #flat, 2 do old[flat[i]] = tonumber(flat[i + 1]) end
            redis.call('DEL', KEYS[3])
            for i = 3, #ARGV, 2 do
              local n = tonumber(ARGV[i + 1])
              redis.call('HSET', KEYS[3], ARGV[i], n)
              redis.call('HINCRBY', KEYS[4], ARGV[i], n - (old[ARGV[i]] or 0))
              old[ARGV[i]] = nil
            end
            for user, n in pairs(old) do
              if redis.call('HINCRBY', KEYS[4], user, -n) <= 0 then redis.call('HDEL', KEYS[4], user) end
            end
            return 1""";

    /** KEYS: instances, online; ARGV: prefix. Returns the users who went offline with the dead instances. */
    private static final String SWEEP = """
            local offline = {}
            for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
              if redis.call('EXISTS', ARGV[1] .. ':instance:' .. id .. ':alive') == 0 then
                local conns = ARGV[1] .. ':instance:' .. id .. ':conns'
                local counts = redis.call('HGETALL', conns)
                for i = 1, #counts, 2 do
                  local total = redis.call('HINCRBY', KEYS[2], counts[i], -tonumber(counts[i + 1]))
                  if total <= 0 then
                    redis.call('HDEL', KEYS[2], counts[i])
                    table.insert(offline, counts[i])
                  end
                end
                redis.call('DEL', conns)
                redis.call('SREM', KEYS[1], id)
              end
            end
            return offline""";

    private final Redis redis;
    private final Vertx vertx;
    private final LocalPresenceLedger local;
    private final ChatConfig.Redis config;
    private final String instanceId;
    private final String online;
    private final String instances;
    private final String alive;
    private final String conns;
    private volatile Consumer<List<UUID>> onExpired = users -> {};
    private long timer = -1;

    RedisPresenceLedger(
            Redis redis, Vertx vertx, LocalPresenceLedger local, ChatConfig config, InstanceIdentity instance) {
        this.redis = redis;
        this.vertx = vertx;
        this.local = local;
        this.config = config.redis();
        this.instanceId = instance.id().toString();
        String prefix = this.config.prefix();
        this.online = prefix + ":online";
        this.instances = prefix + ":instances";
        this.alive = prefix + ":instance:" + instanceId + ":alive";
        this.conns = prefix + ":instance:" + instanceId + ":conns";
    }

    @Override
    public void onExpired(Consumer<List<UUID>> wentOffline) {
        this.onExpired = wentOffline;
        vertx.runOnContext(v -> {
            heartbeat();
            timer = vertx.setPeriodic(config.heartbeat().toMillis(), id -> heartbeat());
        });
    }

    /** A clean stop takes this instance's users' connections back at once, instead of after the TTL. */
    void stop(@Observes ShutdownEvent stop) {
        if (timer != -1) {
            vertx.cancelTimer(timer);
        }
    }

    @Override
    public Uni<Long> connected(UUID userId) {
        long fallback = local.count(userId, 1);
        return eval(CONNECTED, List.of(online, conns), userId.toString())
                .map(Response::toLong)
                .onFailure()
                .recoverWithItem(fallback);
    }

    @Override
    public Uni<Long> disconnected(UUID userId) {
        long fallback = local.count(userId, -1);
        return eval(DISCONNECTED, List.of(online, conns), userId.toString())
                .map(Response::toLong)
                .onFailure()
                .recoverWithItem(fallback);
    }

    @Override
    public Uni<Long> connections(UUID userId) {
        return Uni.createFrom()
                .completionStage(
                        () -> redis.send(Request.cmd(Command.HGET).arg(online).arg(userId.toString()))
                                .toCompletionStage())
                .map(count -> count == null ? 0L : count.toLong())
                .onFailure()
                .recoverWithUni(() -> local.connections(userId));
    }

    private void heartbeat() {
        List<String> args = new ArrayList<>();
        args.add(Long.toString(config.instanceTtl().toMillis()));
        args.add(instanceId);
        for (Map.Entry<UUID, Long> entry : local.counts().entrySet()) {
            args.add(entry.getKey().toString());
            args.add(entry.getValue().toString());
        }
        send(HEARTBEAT, List.of(alive, instances, conns, online), args.toArray(String[]::new))
                .onSuccess(restored -> {
                    if (restored.toLong() == 1 && args.size() > 2) {
                        LOG.infof(
                                "Presence counts of this instance written back to Redis (%d users)",
                                (args.size() - 2) / 2);
                    }
                })
                .compose(ok -> send(SWEEP, List.of(instances, online), config.prefix()))
                .onSuccess(offline -> {
                    if (offline.size() > 0) {
                        List<UUID> users = new ArrayList<>(offline.size());
                        for (Response user : offline) {
                            users.add(UUID.fromString(user.toString()));
                        }
                        onExpired.accept(users);
                    }
                })
                .onFailure(failure -> LOG.debugf(failure, "Presence heartbeat failed"));
    }

    private Uni<Response> eval(String script, List<String> keys, String... args) {
        return Uni.createFrom().completionStage(() -> send(script, keys, args).toCompletionStage());
    }

    private Future<Response> send(String script, List<String> keys, String... args) {
        Request request = Request.cmd(Command.EVAL).arg(script).arg(keys.size());
        keys.forEach(request::arg);
        for (String arg : args) {
            request.arg(arg);
        }
        return redis.send(request);
    }
}
