package dev.chat.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL cluster of the test's own, made with the machine's server binaries (initdb, pg_ctl) in a
 * temporary directory on a free port, that the test may stop and start again: a database outage without
 * touching the machine's shared server on 5432, which other builds use. PostgreSQL refuses to run as root, so
 * as root every command runs as the {@code postgres} system user ({@code runuser}).
 */
public final class PrivatePostgres implements AutoCloseable {

    private static final Path SERVERS = Path.of("/usr/lib/postgresql");

    public final int port = Instance.freePort();
    private final Path bin;
    private final Path dir;
    private final Path data;
    private final Path log;
    private final boolean root = "root".equals(System.getProperty("user.name"));
    private boolean running;

    private PrivatePostgres(Path bin) {
        this.bin = bin;
        try {
            dir = Files.createTempDirectory("chat-private-pg");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        data = dir.resolve("data");
        // The server writes its log as the server user: in its own directory, copied to target/ on close.
        log = dir.resolve("server.log");
    }

    /**
     * Skips the test, or fails it when the services are required ({@code -Drequire.services=true}), unless the
     * machine has PostgreSQL server binaries (and, as root, a {@code postgres} user to run them).
     */
    public static PrivatePostgres require() {
        Path bin = serverBinaries();
        String missing = bin == null
                ? "PostgreSQL server binaries (initdb, pg_ctl) under " + SERVERS
                : "root".equals(System.getProperty("user.name")) && !hasUser("postgres")
                        ? "a postgres system user to run PostgreSQL as (it refuses root)"
                        : null;
        if (missing != null) {
            if (Boolean.getBoolean("require.services")) {
                throw new AssertionError("required for this test and missing: " + missing);
            }
            Assumptions.abort("not run: needs " + missing);
        }
        return new PrivatePostgres(bin);
    }

    /**
     * initdb (trust authentication, user postgres), then start. A cluster that fails to come up is removed here:
     * the caller never got it, so it could not close it.
     */
    public PrivatePostgres create() {
        try {
            if (root) {
                run(List.of("chown", "postgres:postgres", dir.toString()));
            }
            run(asServerUser(
                    bin.resolve("initdb").toString(),
                    "-D",
                    data.toString(),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "--no-sync",
                    "-E",
                    "UTF8",
                    "--locale=C"));
            start();
            return this;
        } catch (RuntimeException | Error failed) {
            close();
            throw failed;
        }
    }

    /** Starts the cluster and waits until it accepts connections. */
    public void start() {
        run(asServerUser(
                bin.resolve("pg_ctl").toString(),
                "-D",
                data.toString(),
                "-l",
                log.toString(),
                "-w",
                "-t",
                "60",
                "-o",
                "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off",
                "start"));
        running = true;
    }

    /** A fast shutdown: sessions are ended at once, as when a database server goes away under load. */
    public void stop() {
        run(asServerUser(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "fast", "-w", "stop"));
        running = false;
    }

    /** The QUARKUS_DATASOURCE_* variables for its {@code postgres} database. */
    public Map<String, String> datasource() {
        return Map.of(
                "QUARKUS_DATASOURCE_REACTIVE_URL",
                "postgresql://127.0.0.1:" + port + "/postgres",
                "QUARKUS_DATASOURCE_JDBC_URL",
                "jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                "QUARKUS_DATASOURCE_USERNAME",
                "postgres",
                "QUARKUS_DATASOURCE_PASSWORD",
                "unused-trust-auth");
    }

    @Override
    public void close() {
        try {
            if (running) {
                stop();
            }
        } finally {
            try {
                if (Files.exists(log)) {
                    Files.copy(log, target("private-postgres-" + port + ".log"), StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                // only for reading after a failure
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                // a temporary directory: the machine cleans it up eventually
            }
        }
    }

    private List<String> asServerUser(String... command) {
        List<String> all = new ArrayList<>();
        if (root) {
            all.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        all.addAll(List.of(command));
        return all;
    }

    private void run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            target("private-postgres-" + port + "-commands.log").toFile()))
                    .start();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("did not finish within 90 s: " + command);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("exit " + process.exitValue() + ": " + command + " (see target/)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Path target(String file) throws IOException {
        return Files.createDirectories(Path.of("target")).resolve(file);
    }

    /** The newest major version's bin directory that has both initdb and pg_ctl. */
    private static Path serverBinaries() {
        if (!Files.isDirectory(SERVERS)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(SERVERS)) {
            return versions.map(v -> v.resolve("bin"))
                    .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                    .max(Comparator.comparing(b -> versionOf(b.getParent())))
                    .orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static int versionOf(Path versionDir) {
        try {
            return Integer.parseInt(versionDir.getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static boolean hasUser(String name) {
        try {
            return Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(l -> l.startsWith(name + ":"));
        } catch (IOException e) {
            return false;
        }
    }
}
