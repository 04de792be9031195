package dev.chat.fanout;

import dev.chat.common.ChatConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;

/** {@code chat.fanout} picks the implementation at start-up (it is a runtime setting: CHAT_FANOUT). */
@ApplicationScoped
class FanoutProducer {

    @Produces
    @ApplicationScoped
    Fanout fanout(ChatConfig config, Instance<LocalFanout> local, Instance<RedisFanout> redis) {
        return config.fanout() == ChatConfig.FanoutMode.REDIS ? redis.get() : local.get();
    }

    @Produces
    @ApplicationScoped
    PresenceLedger ledger(ChatConfig config, Instance<LocalPresenceLedger> local, Instance<RedisPresenceLedger> redis) {
        return config.fanout() == ChatConfig.FanoutMode.REDIS ? redis.get() : local.get();
    }
}
