package dev.chat.support;

import static io.restassured.RestAssured.given;

import dev.chat.common.DevKeysConfigSource;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One real process of the packaged application (target/quarkus-app), on a port of its own, configured by
 * environment variables as in production. For tests of what only separate processes show: several
 * instances behind one database and one Redis, a SIGKILL, a SIGTERM.
 */
public final class Instance implements AutoCloseable {

    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    private final String name;
    private final Map<String, String> env;
    private final int port;
    private Process process;

    private Instance(String name, Map<String, String> env, int port) {
        this.name = name;
        this.env = env;
        this.port = port;
    }

    /** Starts it and waits until it is ready. */
    public static Instance start(String name, Map<String, String> env) {
        Instance instance = new Instance(name, env, freePort());
        instance.start();
        return instance;
    }

    /** A throw-away key pair as PEM files, in the variables production reads them from. */
    public static Map<String, String> keys() {
        Map<String, String> keys = DevKeysConfigSource.generate();
        try {
            Path dir = Files.createTempDirectory("chat-keys");
            dir.toFile().deleteOnExit();
            Path privateKey = Files.writeString(dir.resolve("private.pem"), keys.get(DevKeysConfigSource.SIGN_KEY));
            Path publicKey = Files.writeString(dir.resolve("public.pem"), keys.get(DevKeysConfigSource.VERIFY_KEY));
            privateKey.toFile().deleteOnExit();
            publicKey.toFile().deleteOnExit();
            return Map.of(
                    "SMALLRYE_JWT_SIGN_KEY_LOCATION", privateKey.toString(),
                    "MP_JWT_VERIFY_PUBLICKEY_LOCATION", publicKey.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Request limits out of the way, since these tests register many users and send many messages from one
     * address in seconds (the limits themselves are tested in {@code dev.chat.limits}), and bcrypt at its
     * lowest cost, since every registration hashes a password.
     */
    public static Map<String, String> suiteSettings() {
        Map<String, String> settings = new HashMap<>();
        for (String limit : new String[] {"LOGIN", "REGISTER", "SEND", "TYPING", "RECEIPTS", "ROOM_CREATION"}) {
            settings.put("CHAT_LIMITS_" + limit, "100000/1s");
        }
        settings.put("CHAT_AUTH_BCRYPT_COST", "4");
        return settings;
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void start() {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException("package the application first: " + JAR);
        }
        ProcessBuilder builder = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString());
        builder.environment().putAll(env);
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(
                Path.of("target", "instance-" + name + ".log").toFile()));
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            awaitReady(Duration.ofSeconds(120));
        } catch (RuntimeException | Error notReady) {
            kill(); // a caller that never got the instance could not stop it
            throw notReady;
        }
    }

    private void awaitReady(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        name + " exited with " + process.exitValue() + ": see target/instance-" + name + ".log");
            }
            try {
                if (request().get("/q/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (Exception notYet) { // RestAssured rethrows the ConnectException unchecked
                // not listening yet
            }
            sleep(200);
        }
        throw new IllegalStateException(name + " not ready within " + limit);
    }

    public int port() {
        return port;
    }

    public URI ws() {
        return URI.create("ws://127.0.0.1:" + port + "/ws");
    }

    public RequestSpecification request() {
        return given().baseUri("http://127.0.0.1").port(port).contentType(ContentType.JSON);
    }

    public RequestSpecification as(String accessToken) {
        return request().auth().oauth2(accessToken);
    }

    /**
     * SIGKILL: no shutdown hook, no close frames, nothing cleaned up. Its child processes go too (the
     * embedded PostgreSQL that a dev/test build starts, unused here, would otherwise outlive it).
     */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        waitFor();
    }

    /** SIGTERM, as Kubernetes stops a pod. */
    public int terminate(Duration limit) {
        process.destroy();
        try {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " did not exit within " + limit);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private void waitFor() {
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            kill();
        }
    }

    public static Map<String, String> env(Map<String, String>... parts) {
        Map<String, String> all = new HashMap<>();
        for (Map<String, String> part : parts) {
            all.putAll(part);
        }
        return all;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
