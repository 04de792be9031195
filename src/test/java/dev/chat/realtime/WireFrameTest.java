package dev.chat.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link SocketOutbound#encode} writes the bytes Netty's own server-side encoder writes, for every length form. */
class WireFrameTest {

    @Test
    void shouldEncodeTextFramesAsNettysServerEncoderDoes() {
        for (int length : new int[] {0, 1, 125, 126, 127, 1023, 1024, 65535, 65536, 70000}) {
            String text = "é".repeat(length / 2) + "x".repeat(length % 2); // two UTF-8 bytes per é
            Buffer payload = Buffer.buffer(text.getBytes(StandardCharsets.UTF_8));
            ByteBuf ours = SocketOutbound.encode(payload, UnpooledByteBufAllocator.DEFAULT);
            try {
                assertEquals(nettys(text), ByteBufUtil.hexDump(ours), "payload of " + length + " bytes");
            } finally {
                ours.release();
            }
        }
    }

    private static String nettys(String text) {
        EmbeddedChannel channel = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
        channel.writeOutbound(new TextWebSocketFrame(text));
        StringBuilder hex = new StringBuilder();
        for (ByteBuf part; (part = channel.readOutbound()) != null; part.release()) {
            hex.append(ByteBufUtil.hexDump(part));
        }
        channel.finishAndReleaseAll();
        return hex.toString();
    }
}
