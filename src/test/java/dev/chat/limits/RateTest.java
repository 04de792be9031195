package dev.chat.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The rate syntax and the in-process bucket, on a clock the test moves. */
class RateTest {

    private final AtomicLong micros = new AtomicLong(1_000_000_000L);
    private final LocalRateLimiter limiter = new LocalRateLimiter(1000, micros::get);

    @Test
    void shouldParseTheSettingsSyntax() {
        assertEquals(new Rate(10, Duration.ofSeconds(1), 30), Rate.parse("10/1s burst 30"));
        assertEquals(new Rate(10, Duration.ofMinutes(1), 10), Rate.parse("10/1m"));
        assertEquals(new Rate(5, Duration.ofHours(1), 2), Rate.parse("5/PT1H burst 2"));
        assertThrows(IllegalArgumentException.class, () -> Rate.parse("ten a second"));
        assertThrows(IllegalArgumentException.class, () -> Rate.parse("0/1s"));
    }

    @Test
    void shouldLetTheBurstThroughThenTheSustainedRate() {
        Rate sends = Rate.parse("10/1s burst 30"); // the default for sends
        for (int i = 0; i < 30; i++) {
            assertEquals(0, limiter.tryAcquire("u", sends), "request " + i);
        }
        long wait = limiter.tryAcquire("u", sends);
        assertTrue(wait > 0 && wait <= 100, "the 31st waits for the next permit, 100 ms away: " + wait);
        micros.addAndGet(1_000_000); // one second: ten permits back
        int passed = 0;
        while (limiter.tryAcquire("u", sends) == 0) {
            passed++;
        }
        assertEquals(10, passed);
    }

    @Test
    void shouldCountLoginsPerMinuteAndTellHowLongToWait() {
        Rate logins = Rate.parse("10/1m"); // the default for logins
        for (int i = 0; i < 10; i++) {
            assertEquals(0, limiter.tryAcquire("login", logins));
        }
        assertEquals(6000, limiter.tryAcquire("login", logins), "one permit every 6 s");
        assertEquals(0, limiter.tryAcquire("another key", logins), "other keys are not affected");
    }

    @Test
    void whenManyThreadsRaceForOneBucketExactlyTheBurstPasses() throws Exception {
        Rate rate = new Rate(1, Duration.ofHours(1), 25);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Long>> attempts = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                attempts.add(() -> limiter.tryAcquire("race", rate));
            }
            long passed = 0;
            for (Future<Long> f : pool.invokeAll(attempts)) {
                passed += f.get() == 0 ? 1 : 0;
            }
            assertEquals(25, passed);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldHoldNoMoreKeysThanItsBound() {
        Rate rate = new Rate(1, Duration.ofHours(1), 5);
        for (int i = 0; i < 10_000; i++) {
            limiter.tryAcquire("key " + i, rate);
        }
        assertTrue(limiter.size() <= 1000, "size " + limiter.size());
    }
}
