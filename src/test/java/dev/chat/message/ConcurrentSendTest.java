package dev.chat.message;

import static dev.chat.support.Api.newUser;
import static dev.chat.support.RoomApi.group;
import static dev.chat.support.RoomApi.send;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.chat.support.TestUser;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** seq under concurrency: gap-free, duplicate-free, in commit order; idempotent retries that race. */
@QuarkusTest
class ConcurrentSendTest {

    private static final String MESSAGES = "/api/rooms/{roomId}/messages";
    private static final int SENDERS = 20;
    private static final int MESSAGES_EACH = 25;
    private static final int RETRIES = 10;

    @Test
    void whenTwentySendersSendConcurrentlyShouldAssignSeqOneToFiveHundredExactly() throws Exception {
        List<TestUser> senders = new ArrayList<>();
        for (int i = 0; i < SENDERS; i++) {
            senders.add(newUser());
        }
        String roomId = group(senders.get(0), senders.subList(1, SENDERS).toArray(TestUser[]::new));

        ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<Long>>> results = new ArrayList<>();
        try {
            for (TestUser sender : senders) {
                results.add(pool.submit(() -> {
                    start.await();
                    List<Long> seqs = new ArrayList<>();
                    for (int i = 0; i < MESSAGES_EACH; i++) {
                        seqs.add(send(sender, roomId, sender.username() + " #" + i)); // asserts the 201
                    }
                    return seqs;
                }));
            }
            start.countDown();
            List<Long> all = new ArrayList<>();
            for (Future<List<Long>> result : results) {
                List<Long> seqs = result.get();
                // One sender's sends are sequential, so commit order = their order: seqs must increase.
                for (int i = 1; i < seqs.size(); i++) {
                    assertTrue(seqs.get(i) > seqs.get(i - 1), "seq follows commit order for one sender: " + seqs);
                }
                all.addAll(seqs);
            }
            all.sort(Long::compare);
            assertEquals(
                    LongStream.rangeClosed(1, SENDERS * MESSAGES_EACH).boxed().toList(), all);
        } finally {
            pool.shutdownNow();
        }

        // What was stored agrees with what was answered: 500 rows, seq 1..500, each body once.
        Map<Long, String> stored = new HashMap<>();
        long after = 0;
        boolean more = true;
        while (more) {
            JsonPath page = senders.get(0)
                    .as()
                    .queryParam("after", after)
                    .queryParam("limit", 200)
                    .get(MESSAGES, roomId)
                    .then()
                    .statusCode(200)
                    .extract()
                    .jsonPath();
            List<Long> seqs = page.getList("items.seq", Long.class);
            List<String> bodies = page.getList("items.body", String.class);
            for (int i = 0; i < seqs.size(); i++) {
                stored.put(seqs.get(i), bodies.get(i));
            }
            after = seqs.get(seqs.size() - 1);
            more = page.getBoolean("hasMore");
        }
        assertEquals(SENDERS * MESSAGES_EACH, stored.size());
        assertEquals(
                SENDERS * MESSAGES_EACH, stored.values().stream().distinct().count());
        senders.get(0).as().get("/api/rooms/{roomId}", roomId).then().body("lastSeq", is(SENDERS * MESSAGES_EACH));
    }

    @Test
    void whenRetriesOfOneClientMessageIdRaceShouldStoreOneMessage() throws Exception {
        TestUser sender = newUser();
        String roomId = group(sender);
        ExecutorService pool = Executors.newFixedThreadPool(RETRIES);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        try {
            for (int i = 0; i < RETRIES; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    var response = sender.as()
                            .body(Map.of("body", "once", "clientMessageId", "retry-me"))
                            .post(MESSAGES, roomId)
                            .then()
                            .extract();
                    return response.statusCode() + " " + response.path("id") + " " + response.path("seq");
                }));
            }
            start.countDown();
            List<String> answers = new ArrayList<>();
            for (Future<String> result : results) {
                answers.add(result.get());
            }
            assertEquals(1, answers.stream().filter(a -> a.startsWith("201 ")).count(), answers.toString());
            assertEquals(
                    RETRIES - 1,
                    answers.stream().filter(a -> a.startsWith("200 ")).count(),
                    answers.toString());
            assertEquals(1, answers.stream().map(a -> a.substring(4)).distinct().count(), answers.toString());
        } finally {
            pool.shutdownNow();
        }
        sender.as().get(MESSAGES, roomId).then().body("items.size()", is(1), "items[0].seq", is(1));
        sender.as().get("/api/rooms/{roomId}", roomId).then().body("lastSeq", is(1));
    }
}
