package dev.chat.support;

import dev.chat.common.DevKeysConfigSource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The packaged artifact runs in the prod profile, which takes its keys only from PEM files: this writes a
 * fresh pair for the black-box suite and hands the locations to the launched process.
 */
public class GeneratedJwtKeys implements QuarkusTestResourceLifecycleManager {

    private Path dir;

    @Override
    public Map<String, String> start() {
        Map<String, String> keys = DevKeysConfigSource.generate();
        try {
            dir = Files.createTempDirectory("chat-it-keys");
            Path privateKey = Files.writeString(dir.resolve("private.pem"), keys.get(DevKeysConfigSource.SIGN_KEY));
            Path publicKey = Files.writeString(dir.resolve("public.pem"), keys.get(DevKeysConfigSource.VERIFY_KEY));
            return Map.of(
                    "mp.jwt.verify.publickey.location",
                    publicKey.toString(),
                    "smallrye.jwt.sign.key.location",
                    privateKey.toString());
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
