// Load generator for the chat service. No dependencies: run with `java Bench.java [options]` (JDK 17+).
// Only talks to the base URL it is given (run.sh passes http://127.0.0.1:<port>). See README.md.
//
// Options (all optional):
//   --base http://127.0.0.1:8199    service under test
//   --ws-bases http://127.0.0.1:8199,http://127.0.0.1:8299   where the fan-out's WebSocket clients connect,
//                                   round-robin (default: --base); several instances in redis mode
//   --scenarios send,history,fanout which scenarios to run (always in this order); `register` alone
//                                   times --users N registrations and exits (to judge the bcrypt cost)
//   --senders 8,32                  concurrent senders for the send scenario
//   --receivers 50,500              WebSocket clients for the fan-out scenario (room members, <= 500)
//   --readers 1,8                   concurrent readers for the history scenario
//   --warmup 3 --duration 10        seconds per configuration (warm-up not measured)
//   --server-pid N                  if given, server CPU seconds per configuration are read from /proc
//   --psql "psql -h 127.0.0.1 -U postgres -d chat_bench"   if given, commits and WAL syncs are counted

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class Bench {

    static String base = "http://127.0.0.1:8199";
    static List<String> wsBases;
    static int warmupS = 3;
    static int durationS = 10;
    static long serverPid = -1;
    static String psql = null;
    static final String RUN = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
    static final AtomicInteger userSeq = new AtomicInteger();
    // A few HTTP clients: each java.net.http client has one selector thread, which would cap the load generator.
    static final HttpClient[] clients = new HttpClient[4];

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        base = opt.getOrDefault("base", base);
        wsBases = List.of(opt.getOrDefault("ws-bases", base).split(","));
        for (String b : concat(base, wsBases))
            if (!URI.create(b).getHost().equals("127.0.0.1") && !URI.create(b).getHost().equals("localhost"))
                throw new IllegalArgumentException("refusing to load a non-local host: " + b);
        warmupS = Integer.parseInt(opt.getOrDefault("warmup", "3"));
        durationS = Integer.parseInt(opt.getOrDefault("duration", "10"));
        serverPid = Long.parseLong(opt.getOrDefault("server-pid", "-1"));
        psql = opt.get("psql");
        for (int i = 0; i < clients.length; i++)
            clients[i] = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
        List<String> scenarios = List.of(opt.getOrDefault("scenarios", "send,fanout,history").split(","));
        int[] senders = ints(opt.getOrDefault("senders", "8,32"));
        int[] receivers = ints(opt.getOrDefault("receivers", "50,500"));
        int[] readers = ints(opt.getOrDefault("readers", "1,8"));

        if (scenarios.contains("register")) { // only to judge the bcrypt cost's share of set-up time
            int n = Integer.parseInt(opt.getOrDefault("users", "40"));
            long r0 = System.nanoTime();
            register(n);
            double s = (System.nanoTime() - r0) / 1e9;
            System.out.printf("register: %d users, 8 in parallel, in %.2f s = %.1f registrations/s%n", n, s, n / s);
            System.exit(0);
        }
        long t0 = System.nanoTime();
        int maxSenders = Arrays.stream(senders).max().orElse(1);
        List<User> pool = register(maxSenders);
        System.out.printf("setup: registered %d users in %.1f s%n", maxSenders, (System.nanoTime() - t0) / 1e9);
        String sharedRoom = createRoom(pool.get(0), pool.subList(1, pool.size()));
        List<String> ownRooms = new ArrayList<>();
        for (User u : pool) ownRooms.add(createRoom(u, List.of()));

        // JIT warm-up of the server's send and read paths; not reported.
        long w0 = System.nanoTime();
        runSend("jit-warmup", pool.subList(0, Math.min(8, pool.size())), i -> ownRooms.get(i), 0, 10, false);
        for (int i = 0; i < 500; i++) clients[0].send(get("/api/rooms/" + ownRooms.get(0) + "/messages?limit=50", pool.get(0).token),
                HttpResponse.BodyHandlers.discarding());
        System.out.printf("warm-up: %.0f s of sends and reads (not reported)%n", (System.nanoTime() - w0) / 1e9);
        Thread.sleep(1000);
        Snap idle0 = Snap.take();
        Thread.sleep(3000);
        System.out.printf("idle 3 s after warm-up: cores used server/postgres/bench %s%n", Snap.cpu(idle0, Snap.take()));

        if (scenarios.contains("send")) {
            System.out.println("\n== send: closed loop, each sender POSTs its next message as soon as the previous one answered");
            header();
            for (int n : senders) {
                List<User> us = pool.subList(0, n);
                runSend("send one room, " + n + " senders", us, i -> sharedRoom, warmupS, durationS, true);
                runSend("send " + n + " rooms, " + n + " senders", us, i -> ownRooms.get(i), warmupS, durationS, true);
            }
        }
        if (scenarios.contains("history")) {
            long seq = lastSeq(pool.get(0), sharedRoom);
            System.out.printf("%n== history: GET /api/rooms/{id}/messages?limit=50 (latest page) of a room holding %d messages%n", seq);
            header();
            for (int n : readers) runHistory(n, pool.subList(0, Math.min(n, pool.size())), sharedRoom);
        }
        if (scenarios.contains("fanout")) {
            System.out.println("\n== fanout: one sender, M WebSocket clients (one per member); delay = POST start -> frame parsed by client");
            for (int m : receivers) runFanout(m);
        }
        System.out.printf("%ntotal bench time %.0f s%n", (System.nanoTime() - t0) / 1e9);
        System.exit(0);
    }

    // ---------------------------------------------------------------- scenarios

    interface RoomOf { String room(int senderIndex); }

    static void header() {
        System.out.printf("%-32s %8s %8s %8s %8s %8s %8s %7s %9s %s%n",
                "config", "req", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors", "cpu s/pg/b", "db");
    }

    /** Closed loop: each sender thread sends, waits for the 201, sends again. */
    static void runSend(String name, List<User> users, RoomOf roomOf, int warmup, int duration, boolean report)
            throws Exception {
        int n = users.size();
        long[][] lat = new long[n][];
        int[] counts = new int[n];
        AtomicInteger errors = new AtomicInteger();
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean stop = new AtomicBoolean(false);
        ExecutorService ex = Executors.newFixedThreadPool(n);
        CountDownLatch done = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            int idx = i;
            lat[i] = new long[1 << 16];
            ex.submit(() -> {
                User u = users.get(idx);
                String room = roomOf.room(idx);
                HttpClient c = clients[idx % clients.length];
                long k = 0;
                try {
                    while (!stop.get()) {
                        String body = "{\"body\":\"bench message " + idx + "-" + (k++) + " lorem ipsum dolor sit amet\"}";
                        long s = System.nanoTime();
                        int st;
                        try {
                            st = c.send(post("/api/rooms/" + room + "/messages", u.token, body),
                                    HttpResponse.BodyHandlers.discarding()).statusCode();
                        } catch (Exception e) {
                            st = -1;
                        }
                        long d = System.nanoTime() - s;
                        if (measuring.get() && !stop.get()) {
                            if (st != 201) errors.incrementAndGet();
                            else if (counts[idx] < lat[idx].length) lat[idx][counts[idx]++] = d;
                        }
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        Thread.sleep(warmup * 1000L);
        Snap before = Snap.take();
        measuring.set(true);
        long start = System.nanoTime();
        // once a second: how many of the service's database sessions are running a statement, how many wait on a lock
        int[] activity = new int[2];
        int samples = 0;
        while (System.nanoTime() - start < duration * 1_000_000_000L) {
            Thread.sleep(1000);
            if (report && samples < duration - 1) {
                long[] a = dbQuery("select count(*) filter (where state = 'active') || ' ' || count(*) filter (where wait_event_type = 'Lock')"
                        + " from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()");
                if (a[0] >= 0) { activity[0] += a[0]; activity[1] += a[1]; samples++; }
            }
        }
        stop.set(true);
        long elapsed = System.nanoTime() - start;
        Snap after = Snap.take();
        done.await(30, TimeUnit.SECONDS);
        ex.shutdownNow();
        if (report) {
            printRow(name, merge(lat, counts), elapsed, errors.get(), before, after);
            if (samples > 0)
                System.out.printf("%-32s db sessions (mean of %d samples): %.1f running a statement, %.1f of them waiting on a lock%n",
                        "", samples, activity[0] / (double) samples, activity[1] / (double) samples);
        }
    }

    static void runHistory(int n, List<User> users, String room) throws Exception {
        long[][] lat = new long[n][];
        int[] counts = new int[n];
        AtomicInteger errors = new AtomicInteger();
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean stop = new AtomicBoolean(false);
        ExecutorService ex = Executors.newFixedThreadPool(n);
        for (int i = 0; i < n; i++) {
            int idx = i;
            lat[i] = new long[1 << 18];
            ex.submit(() -> {
                User u = users.get(idx % users.size());
                HttpClient c = clients[idx % clients.length];
                while (!stop.get()) {
                    long s = System.nanoTime();
                    int st;
                    try {
                        HttpResponse<byte[]> r = c.send(get("/api/rooms/" + room + "/messages?limit=50", u.token),
                                HttpResponse.BodyHandlers.ofByteArray());
                        st = r.statusCode();
                    } catch (Exception e) {
                        st = -1;
                    }
                    long d = System.nanoTime() - s;
                    if (measuring.get() && !stop.get()) {
                        if (st != 200) errors.incrementAndGet();
                        else if (counts[idx] < lat[idx].length) lat[idx][counts[idx]++] = d;
                    }
                }
            });
        }
        Thread.sleep(warmupS * 1000L);
        Snap before = Snap.take();
        measuring.set(true);
        long start = System.nanoTime();
        Thread.sleep(durationS * 1000L);
        stop.set(true);
        long elapsed = System.nanoTime() - start;
        Snap after = Snap.take();
        ex.shutdown();
        ex.awaitTermination(30, TimeUnit.SECONDS);
        printRow("history, " + n + " readers", merge(lat, counts), elapsed, errors.get(), before, after);
    }

    static final Pattern STAMP = Pattern.compile("@@(\\d+)@@");

    /**
     * M members connected over /ws, one sender (the room's owner, not connected). Phase 1 "paced": a message
     * every 200 ms, so that the server is idle between messages (latency of one fan-out). Phase 2 "burst": the
     * sender sends in a closed loop for `duration` seconds (delivered events/s at saturation with one sender).
     * Each body carries System.nanoTime() at the start of the POST; the client (same JVM) subtracts it on arrival.
     */
    static void runFanout(int m) throws Exception {
        long t0 = System.nanoTime();
        User sender = register(1).get(0);
        List<User> members = register(m);
        double regS = (System.nanoTime() - t0) / 1e9;
        String room = createRoom(sender, members);

        // One client for all sockets; listener callbacks on a small pool (the machine has 2 cores).
        ExecutorService wsExec = Executors.newFixedThreadPool(2);
        HttpClient wsClient = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(wsExec).build();
        ConcurrentLinkedQueue<long[]> samples = new ConcurrentLinkedQueue<>(); // {sendNanos, delayNanos}
        AtomicLong received = new AtomicLong();
        AtomicLong otherFrames = new AtomicLong();
        AtomicInteger closed = new AtomicInteger();
        CountDownLatch ready = new CountDownLatch(m);
        List<WebSocket> sockets = new ArrayList<>();
        long c0 = System.nanoTime();
        List<CompletableFuture<WebSocket>> pending = new ArrayList<>();
        int nth = 0;
        for (User u : members) {
            String wsBase = wsBases.get(nth++ % wsBases.size());
            WebSocket.Listener l = new WebSocket.Listener() {
                final StringBuilder buf = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    buf.append(data);
                    if (last) {
                        long now = System.nanoTime();
                        String f = buf.toString();
                        buf.setLength(0);
                        if (f.startsWith("{\"type\":\"ready\"") || f.contains("\"type\":\"ready\"")) ready.countDown();
                        else if (f.contains("\"type\":\"message.created\"")) {
                            Matcher mt = STAMP.matcher(f);
                            if (mt.find()) {
                                long sent = Long.parseLong(mt.group(1));
                                samples.add(new long[] {sent, now - sent});
                            }
                            received.incrementAndGet();
                        } else otherFrames.incrementAndGet();
                    }
                    ws.request(1);
                    return null;
                }

                @Override
                public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
                    closed.incrementAndGet();
                    return null;
                }

                @Override
                public void onError(WebSocket ws, Throwable error) {
                    closed.incrementAndGet();
                }
            };
            pending.add(wsClient.newWebSocketBuilder()
                    .header("Authorization", "Bearer " + u.token)
                    .connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(URI.create(wsBase.replaceFirst("^http", "ws") + "/ws"), l));
            if (pending.size() >= 50) { // connect in batches of 50
                for (var f : pending) sockets.add(f.get(30, TimeUnit.SECONDS));
                pending.clear();
            }
        }
        for (var f : pending) sockets.add(f.get(30, TimeUnit.SECONDS));
        if (!ready.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("not every socket got `ready`");
        double connS = (System.nanoTime() - c0) / 1e9;
        System.out.printf("%n-- M = %d receivers: registered %d users in %.1f s, %d sockets open and `ready` in %.1f s%n",
                m, m + 1, regS, sockets.size(), connS);
        Thread.sleep(500); // let presence frames pass

        HttpClient c = clients[0];
        // warm-up of this room's path (not reported)
        for (int i = 0; i < 5; i++) sendStamped(c, sender, room);
        Thread.sleep(1000);
        samples.clear();
        received.set(0);

        // Phase 1: paced
        int paced = 30;
        List<Long> postLat = new ArrayList<>();
        for (int i = 0; i < paced; i++) {
            postLat.add(sendStamped(c, sender, room));
            Thread.sleep(200);
        }
        Thread.sleep(1500);
        reportFanout("paced 5 msg/s, " + paced + " msgs", m, paced, samples, received.get(), postLat, -1);

        // Phase 2: burst (closed loop), measured until every event has arrived or 10 s after the last send
        samples.clear();
        received.set(0);
        postLat.clear();
        Snap before = Snap.take();
        long start = System.nanoTime();
        long end = start + durationS * 1_000_000_000L;
        int sent = 0;
        while (System.nanoTime() < end) {
            postLat.add(sendStamped(c, sender, room));
            sent++;
        }
        long expected = (long) sent * m;
        long waitUntil = System.nanoTime() + 10_000_000_000L;
        while (received.get() < expected && System.nanoTime() < waitUntil) Thread.sleep(5);
        long lastArrival = samples.stream().mapToLong(s -> s[0] + s[1]).max().orElse(System.nanoTime());
        Snap after = Snap.take();
        double windowS = (lastArrival - start) / 1e9;
        reportFanout("burst " + durationS + " s closed loop, " + sent + " msgs", m, sent, samples, received.get(), postLat,
                windowS);
        System.out.printf("   burst: %.0f events delivered/s (%d events, first POST -> last frame %.2f s), %.1f msgs/s sent; srv cpu %s, db %s; closed sockets: %d%n",
                received.get() / windowS, received.get(), windowS, sent / ((end - start) / 1e9),
                Snap.cpu(before, after), Snap.db(before, after), closed.get());

        for (WebSocket ws : sockets) ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        Thread.sleep(500);
        for (WebSocket ws : sockets) ws.abort();
        wsExec.shutdownNow();
    }

    static void reportFanout(String name, int m, int msgs, ConcurrentLinkedQueue<long[]> samples, long received,
            List<Long> postLat, double windowS) {
        long[] d = samples.stream().mapToLong(s -> s[1]).sorted().toArray();
        // per message: the delay until the last member got it
        Map<Long, Long> lastPerMsg = new HashMap<>();
        for (long[] s : samples) lastPerMsg.merge(s[0], s[1], Math::max);
        long[] last = lastPerMsg.values().stream().mapToLong(Long::longValue).sorted().toArray();
        long[] post = postLat.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("   %-34s delivered %d/%d; delay p50 %s p99 %s max %s ms; last member p50 %s ms; POST p50 %s ms%n",
                name, received, (long) msgs * m, ms(pct(d, 50)), ms(pct(d, 99)), ms(d.length == 0 ? 0 : d[d.length - 1]),
                ms(pct(last, 50)), ms(pct(post, 50)));
    }

    static List<String> concat(String first, List<String> rest) {
        List<String> all = new ArrayList<>(rest);
        all.add(first);
        return all;
    }

    static long sendStamped(HttpClient c, User u, String room) throws Exception {
        long s = System.nanoTime();
        int st = c.send(post("/api/rooms/" + room + "/messages", u.token, "{\"body\":\"fan-out @@" + s + "@@\"}"),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        if (st != 201) throw new IllegalStateException("send answered " + st);
        return System.nanoTime() - s;
    }

    // ---------------------------------------------------------------- setup

    record User(String id, String token) {}

    static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    static final Pattern TOKEN = Pattern.compile("\"accessToken\"\\s*:\\s*\"([^\"]+)\"");

    /** Registers n users, 8 at a time. */
    static List<User> register(int n) throws Exception {
        ExecutorService ex = Executors.newFixedThreadPool(Math.min(n, 8));
        List<CompletableFuture<User>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = "b" + RUN + "_" + userSeq.incrementAndGet();
            fs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    HttpResponse<String> r = clients[0].send(
                            post("/api/auth/register", null, "{\"username\":\"" + name + "\",\"password\":\"bench-password\"}"),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 201) throw new IllegalStateException("register " + r.statusCode() + " " + r.body());
                    String userJson = r.body().substring(r.body().indexOf("\"user\""));
                    return new User(find(ID, userJson), find(TOKEN, r.body()));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, ex));
        }
        List<User> out = new ArrayList<>();
        for (var f : fs) out.add(f.get(120, TimeUnit.SECONDS));
        ex.shutdown();
        return out;
    }

    static String createRoom(User owner, List<User> members) throws Exception {
        StringBuilder ids = new StringBuilder();
        for (User u : members) ids.append(ids.length() == 0 ? "" : ",").append('"').append(u.id).append('"');
        HttpResponse<String> r = clients[0].send(
                post("/api/rooms", owner.token, "{\"name\":\"bench\",\"memberIds\":[" + ids + "]}"),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) throw new IllegalStateException("create room " + r.statusCode() + " " + r.body());
        return find(ID, r.body());
    }

    static long lastSeq(User u, String room) throws Exception {
        HttpResponse<String> r = clients[0].send(get("/api/rooms/" + room, u.token), HttpResponse.BodyHandlers.ofString());
        return Long.parseLong(find(Pattern.compile("\"lastSeq\"\\s*:\\s*(\\d+)"), r.body()));
    }

    static HttpRequest post(String path, String token, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return b.build();
    }

    static HttpRequest get(String path, String token) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).GET().build();
    }

    static String find(Pattern p, String s) {
        Matcher m = p.matcher(s);
        if (!m.find()) throw new IllegalStateException("no " + p + " in " + s);
        return m.group(1);
    }

    // ---------------------------------------------------------------- figures

    static long[] merge(long[][] lat, int[] counts) {
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int k = 0;
        for (int i = 0; i < lat.length; i++) {
            System.arraycopy(lat[i], 0, all, k, counts[i]);
            k += counts[i];
        }
        Arrays.sort(all);
        return all;
    }

    static long pct(long[] sorted, double p) {
        if (sorted.length == 0) return 0;
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static String ms(long nanos) {
        return String.format("%.1f", nanos / 1e6);
    }

    static void printRow(String name, long[] all, long elapsedNanos, int errors, Snap before, Snap after) {
        System.out.printf("%-32s %8d %8.0f %8s %8s %8s %8s %7d %9s %s%n", name, all.length, all.length / (elapsedNanos / 1e9),
                ms(pct(all, 50)), ms(pct(all, 95)), ms(pct(all, 99)), ms(all.length == 0 ? 0 : all[all.length - 1]),
                errors, Snap.cpu(before, after), Snap.db(before, after));
    }

    /** CPU seconds of the server process, of all postgres processes and of this JVM; commits and WAL syncs. */
    record Snap(long nanos, double server, double postgres, double self, long commits, long walSyncs) {
        static Snap take() {
            long[] db = dbCounters();
            return new Snap(System.nanoTime(), serverPid > 0 ? cpuOf(serverPid) : 0, postgresCpu(), cpuOf(ProcessHandle.current().pid()),
                    db[0], db[1]);
        }

        /** "server/postgres/bench" cores used during the window. */
        static String cpu(Snap a, Snap b) {
            double s = (b.nanos - a.nanos) / 1e9;
            return String.format("%.2f/%.2f/%.2f", (b.server - a.server) / s, (b.postgres - a.postgres) / s, (b.self - a.self) / s);
        }

        static String db(Snap a, Snap b) {
            if (a.commits < 0) return "";
            return String.format("commits %d, wal syncs %d", b.commits - a.commits, b.walSyncs - a.walSyncs);
        }
    }

    static final double HZ = 100.0; // USER_HZ on Linux

    static double cpuOf(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / HZ; // utime, stime
        } catch (Exception e) {
            return 0;
        }
    }

    /** All processes named postgres (the server is shared; other databases' work counts too: a caveat). */
    static double postgresCpu() {
        double sum = 0;
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) dirs::iterator) {
                String n = p.getFileName().toString();
                if (!n.chars().allMatch(Character::isDigit)) continue;
                try {
                    if (Files.readString(p.resolve("comm")).trim().equals("postgres")) sum += cpuOf(Long.parseLong(n));
                } catch (Exception ignored) {
                    // process gone
                }
            }
        } catch (Exception ignored) {
            // no /proc
        }
        return sum;
    }

    /** xact_commit of the bench database and pg_stat_wal.wal_sync (cluster-wide), via psql. */
    static long[] dbCounters() {
        return dbQuery("select (select xact_commit from pg_stat_database where datname = current_database()) || ' ' || (select wal_sync from pg_stat_wal)");
    }

    /** Runs a query answering "a b" (two numbers) through psql. */
    static long[] dbQuery(String sql) {
        if (psql == null) return new long[] {-1, -1};
        try {
            List<String> cmd = new ArrayList<>(List.of(psql.split(" ")));
            cmd.addAll(List.of("-At", "-c", sql));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor(10, TimeUnit.SECONDS);
            String[] f = out.split(" ");
            return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
        } catch (Exception e) {
            return new long[] {-1, -1};
        }
    }

    static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
    }
}
