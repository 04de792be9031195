package dev.chat.support;

import dev.chat.common.DevKeysConfigSource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The packaged artifact runs in the prod profile, which takes its keys only from PEM files: this writes a
 * fresh pair for the black-box suite and hands the locations to the launched process, with limits high
 * enough for the suites and the cheapest bcrypt cost (the suites register hundreds of users).
 */
public class GeneratedJwtKeys implements QuarkusTestResourceLifecycleManager {

    /**
     * The suites register hundreds of users from one address and send hundreds of messages in seconds; the
     * production limits would refuse most of that. The limits themselves are tested with deliberate values.
     */
    public static final Map<String, String> LIMITS_FOR_SUITES = Map.of(
            "chat.limits.login", "100000/1s",
            "chat.limits.register", "100000/1s",
            "chat.limits.send", "100000/1s",
            "chat.limits.typing", "100000/1s",
            "chat.limits.receipts", "100000/1s",
            "chat.limits.room-creation", "100000/1s");

    private Path dir;

    @Override
    public Map<String, String> start() {
        Map<String, String> keys = DevKeysConfigSource.generate();
        try {
            dir = Files.createTempDirectory("chat-it-keys");
            Path privateKey = Files.writeString(dir.resolve("private.pem"), keys.get(DevKeysConfigSource.SIGN_KEY));
            Path publicKey = Files.writeString(dir.resolve("public.pem"), keys.get(DevKeysConfigSource.VERIFY_KEY));
            Map<String, String> config = new HashMap<>(LIMITS_FOR_SUITES);
            config.put("chat.auth.bcrypt-cost", "4");
            config.put("mp.jwt.verify.publickey.location", publicKey.toString());
            config.put("smallrye.jwt.sign.key.location", privateKey.toString());
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temporary directory: nothing depends on its removal
        }
    }
}
