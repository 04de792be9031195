package dev.chat.common;

import dev.chat.message.MessageService;
import dev.chat.message.ReceiptService;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * Records that ObjectMapper writes into pushed frames ({@code fanout/EventFrame}) but that no REST method returns,
 * so that nothing else registers them: in a native image Jackson could not read their components. The other
 * pushed records carry the annotation themselves; these are listed here until their own classes do.
 */
@RegisterForReflection(
        targets = {
            MessageService.Deleted.class, // message.deleted
            ReceiptService.Receipt.class, // receipt
            ReceiptService.Typing.class, // typing
        })
final class NativeReflection {

    private NativeReflection() {}
}
