package org.yucon.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.yucon.testing.Await;

@Timeout(30)
class SerialExecutorTest {
    /** Like the gateway's session pool: threads only while there is work (here for 100 ms after it). */
    private final ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 100, TimeUnit.MILLISECONDS,
            new SynchronousQueue<>());

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void tasksFromManyThreadsRunOneAtATimeInTheOrderEachThreadGaveThem() throws InterruptedException {
        SerialExecutor serial = new SerialExecutor(pool);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        // Written by the tasks only, with no lock: the executor hands the list from one task to the next.
        List<String> done = new ArrayList<>();
        int posters = 4;
        int each = 2000;
        CountDownLatch finished = new CountDownLatch(posters * each);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < posters; p++) {
            String name = "p" + p;
            Thread poster = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    String item = name + ":" + i;
                    serial.execute(() -> {
                        if (running.incrementAndGet() > 1) {
                            overlaps.incrementAndGet();
                        }
                        done.add(item);
                        running.decrementAndGet();
                        finished.countDown();
                    });
                }
            });
            poster.start();
            threads.add(poster);
        }
        for (Thread t : threads) {
            t.join();
        }
        finished.await();

        assertEquals(0, overlaps.get(), "two tasks of one executor ran at the same time");
        assertEquals(posters * each, done.size());
        for (int p = 0; p < posters; p++) {
            String prefix = "p" + p + ":";
            List<Integer> order = done.stream().filter(s -> s.startsWith(prefix))
                    .map(s -> Integer.parseInt(s.substring(prefix.length()))).toList();
            for (int i = 0; i < order.size(); i++) {
                assertEquals(i, order.get(i), "the tasks of " + prefix + " out of order");
            }
        }
    }

    @Test
    void aBlockedTaskHoldsItsOwnExecutorOnlyAndPostingNeverWaitsForIt() throws InterruptedException {
        SerialExecutor slow = new SerialExecutor(pool);
        SerialExecutor other = new SerialExecutor(pool);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch slowDone = new CountDownLatch(2);
        slow.execute(() -> {
            awaitQuietly(release);
            slowDone.countDown();
        });
        long before = System.nanoTime();
        slow.execute(slowDone::countDown);
        assertTrue(System.nanoTime() - before < TimeUnit.SECONDS.toNanos(1), "posting behind a blocked task returns at once");

        CountDownLatch otherDone = new CountDownLatch(1);
        other.execute(otherDone::countDown);
        assertTrue(otherDone.await(5, TimeUnit.SECONDS), "another executor's task runs while the first is blocked");
        assertEquals(2, slowDone.getCount(), "the task behind the blocked one waits for it");

        release.countDown();
        assertTrue(slowDone.await(5, TimeUnit.SECONDS), "both tasks of the blocked executor run once it is released");
    }

    @Test
    void anIdleExecutorHoldsNoThread() throws InterruptedException {
        List<SerialExecutor> owners = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            owners.add(new SerialExecutor(pool));
        }
        CountDownLatch done = new CountDownLatch(owners.size());
        owners.forEach(owner -> owner.execute(done::countDown));
        done.await();

        Await.until("the pool's threads to end after their keep-alive", Duration.ofSeconds(5), () -> pool.getPoolSize() == 0,
                () -> pool.getPoolSize() + " threads");
    }

    @Test
    void aTaskThatThrowsDoesNotStopTheOnesAfterIt() throws InterruptedException {
        pool.setThreadFactory(r -> {
            Thread t = new Thread(r);
            t.setUncaughtExceptionHandler((thread, e) -> { });
            return t;
        });
        SerialExecutor serial = new SerialExecutor(pool);
        CountDownLatch after = new CountDownLatch(1);
        serial.execute(() -> {
            throw new IllegalStateException("a failing task");
        });
        serial.execute(after::countDown);
        assertTrue(after.await(5, TimeUnit.SECONDS), "the task after a failed one ran");
    }

    @Test
    void anIdleExecutorRunsATaskOnTheCallersThreadAndWhatCameMeanwhileAfterIt() throws InterruptedException {
        SerialExecutor serial = new SerialExecutor(pool);
        List<String> done = new ArrayList<>();
        CountDownLatch after = new CountDownLatch(1);
        Thread caller = Thread.currentThread();

        boolean ran = serial.runHereIfIdle(() -> {
            done.add(Thread.currentThread() == caller ? "here" : "elsewhere");
            serial.execute(() -> {
                done.add("after");
                after.countDown();
            });
        });

        assertTrue(ran);
        assertTrue(after.await(5, TimeUnit.SECONDS), "the task queued meanwhile ran");
        assertEquals(List.of("here", "after"), done);
    }

    @Test
    void aBusyExecutorLeavesTheTaskToTheCaller() throws InterruptedException {
        SerialExecutor serial = new SerialExecutor(pool);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        serial.execute(() -> {
            running.countDown();
            awaitQuietly(release);
        });
        running.await();

        assertFalse(serial.runHereIfIdle(() -> {
            throw new AssertionError("ran beside a running task");
        }));
        release.countDown();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
