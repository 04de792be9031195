package dev.chat.realtime;

import io.quarkus.websockets.next.CloseReason;
import io.vertx.core.buffer.Buffer;

/** Where a connection's frames go: the socket (see {@link SocketOutbound}), or a test's list. */
interface Outbound {

    /** Writes one text frame; {@code written} runs once the bytes left for the network (or failed). */
    void write(Buffer frame, Runnable written);

    void close(CloseReason reason);
}
