package org.yucon.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousChannelGroup;
import java.nio.channels.AsynchronousServerSocketChannel;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.yucon.console.OutputThread;

/**
 * On the transport's channel group: a write that a console's output thread makes, and that the socket takes at once, is
 * completed on that thread, also past the JDK's limit of direct completions in a row; any other thread's goes to
 * the pool, as it would without this executor.
 */
@Timeout(20)
class CompletingExecutorTest {
    private static final int WRITES = 40;   // more than the 16 direct completions the JDK allows in a row

    private AsynchronousChannelGroup group;
    private AsynchronousSocketChannel client;
    private AsynchronousSocketChannel peer;

    @BeforeEach
    void connect() throws Exception {
        group = DirectNio2Transport.channelGroup(r -> {
            Thread t = new Thread(r, "pool");
            t.setDaemon(true);
            return t;
        });
        try (AsynchronousServerSocketChannel server = AsynchronousServerSocketChannel.open(group)
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            Future<AsynchronousSocketChannel> accepted = server.accept();
            client = AsynchronousSocketChannel.open(group);
            client.connect(server.getLocalAddress()).get(5, TimeUnit.SECONDS);
            peer = accepted.get(5, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void close() throws Exception {
        client.close();
        peer.close();
        group.shutdownNow();
        group.awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void anOutputThreadCompletesTheWritesTheSocketTookAtOnce() throws InterruptedException {
        List<String> completedOn = writeFrom(OutputThread::new);

        assertEquals(Collections.nCopies(WRITES, "output"), completedOn);
    }

    @Test
    void anyOtherThreadsWritesAreCompletedByThePool() throws InterruptedException {
        List<String> completedOn = writeFrom(Thread::new);

        assertEquals(Collections.nCopies(WRITES, "pool"), completedOn);
    }

    private interface Threads {
        Thread create(Runnable task, String name);
    }

    /** Writes a byte at a time from a thread named "output", each after the last one completed. */
    private List<String> writeFrom(Threads threads) throws InterruptedException {
        List<String> completedOn = Collections.synchronizedList(new ArrayList<>());
        List<Throwable> failed = Collections.synchronizedList(new ArrayList<>());
        Thread writer = threads.create(() -> {
            for (int i = 0; i < WRITES && failed.isEmpty(); i++) {
                CountDownLatch done = new CountDownLatch(1);
                client.write(ByteBuffer.wrap(new byte[] {1}), null, new CompletionHandler<Integer, Void>() {
                    @Override
                    public void completed(Integer written, Void attachment) {
                        completedOn.add(Thread.currentThread().getName());
                        done.countDown();
                    }

                    @Override
                    public void failed(Throwable exc, Void attachment) {
                        failed.add(exc);
                        done.countDown();
                    }
                });
                try {
                    assertTrue(done.await(5, TimeUnit.SECONDS), "write " + i + " completed");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }, "output");
        writer.start();
        writer.join();
        assertEquals(List.of(), failed);
        return completedOn;
    }
}
