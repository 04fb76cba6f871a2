package org.yucon.ssh;

import java.io.IOException;
import java.nio.channels.AsynchronousChannelGroup;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.io.IoAcceptor;
import org.apache.sshd.common.io.IoConnector;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoServiceFactory;
import org.apache.sshd.common.io.IoServiceFactoryFactory;
import org.apache.sshd.common.io.nio2.Nio2Acceptor;
import org.apache.sshd.common.io.nio2.Nio2Connector;
import org.apache.sshd.common.io.nio2.Nio2ServiceFactory;
import org.apache.sshd.common.util.threads.CloseableExecutorService;
import org.apache.sshd.common.util.threads.SshdThreadFactory;
import org.apache.sshd.common.util.threads.ThreadUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.yucon.console.OutputThread;

/**
 * MINA's NIO2 transport on a channel group whose polling threads run MINA's handlers themselves. MINA's own factory
 * builds its group over an executor service: the JDK then polls on an internal thread and hands every completed
 * read to that executor, one more thread wake-up in front of every keystroke (strace: 0.1–0.15 ms of an echo).
 * Here one thread of a cached pool polls and handles what it polled. One, because the JDK's handlers take turns
 * at epoll_wait: with two, the one that got an event first wakes the other to poll in its place, a thread wake-up
 * per event (8 % of the gateway's CPU samples in an echo profile; with one, 12–20 % less CPU per keystroke). One
 * is enough: it decodes input and finishes writes that had to wait, while output is written on the threads that
 * have it (the consoles' pumps and link readers). Not a fixed-pool group
 * either: that one never tries a write from a thread of its own (a console's output, on its keeper link's reader)
 * at once, but leaves it to a polling thread, one more wake-up behind every echo; on this group the write goes out
 * on the writer's thread and only its completion is handed to the pool. The JDK adds internal polling threads
 * that hand off what they poll, one by default: the launcher sets {@code sun.nio.ch.internalThreadPoolSize} to 0.
 * MINA's acceptor takes its factory as a {@link Nio2ServiceFactory}, whose constructor still builds its own group:
 * that one stays unused (an idle JDK thread).
 *
 * <p>A write that completes at once on a thread outside the pool has its completion handed to the pool: a thread
 * wake-up behind every echo, beside the echo's way to the client, and on two CPUs often in its way (perf: the
 * pool thread preempting the SSH client as it was to read the echo; a tenth of the gateway's CPU per key). A
 * console's {@link OutputThread} runs that completion itself ({@link CompletingExecutor}); running a task of the
 * group makes it one of the group's threads, which the JDK then lets complete its next writes directly, a few
 * deep, as it lets its own threads.
 */
public final class DirectNio2Transport implements IoServiceFactoryFactory {
    @Override
    public IoServiceFactory create(FactoryManager manager) {
        return new Factory(manager);
    }

    /** The transport makes its own threads: the point of it is which pool they are in. */
    @Override
    public void setExecutorServiceFactory(org.apache.sshd.common.Factory<CloseableExecutorService> factory) {
        throw new UnsupportedOperationException("the SSH transport makes its own threads");
    }

    /**
     * The group: one polling thread of a cached pool, whose completions of a console output thread's own writes
     * that thread runs itself. The pool is not a ThreadPoolExecutor to the JDK, which so takes the number of
     * polling threads from us as it is (for a ThreadPoolExecutor of unbounded size it would ignore the number: a
     * negative one means one per core, any other none).
     */
    static AsynchronousChannelGroup channelGroup(ThreadFactory threads) throws IOException {
        return AsynchronousChannelGroup.withCachedThreadPool(new CompletingExecutor(new ThreadPoolExecutor(0,
                Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), threads)), 1);
    }

    private static final class Factory extends Nio2ServiceFactory {
        private final AsynchronousChannelGroup group;
        /** Handed to MINA's factory as its own resume pool too, so that it is one pool, closed by MINA. */
        private final ExecutorService resuming;

        Factory(FactoryManager manager) {
            this(manager, ThreadUtils.newFixedThreadPool(manager + "-nio2-resume", workers(manager)));
        }

        private Factory(FactoryManager manager, CloseableExecutorService resuming) {
            super(manager, null, resuming);
            this.resuming = resuming;
            try {
                group = channelGroup(new SshdThreadFactory(manager + "-nio2"));
            } catch (IOException e) {
                throw new IllegalStateException("could not start the SSH transport's threads: " + e.getMessage(), e);
            }
        }

        private static int workers(FactoryManager manager) {
            return CoreModuleProperties.NIO_WORKERS.getRequired(manager);
        }

        @Override
        public IoAcceptor createAcceptor(IoHandler handler) {
            return autowireCreatedService(new Nio2Acceptor(this, getFactoryManager(), handler, group, resuming));
        }

        @Override
        public IoConnector createConnector(IoHandler handler) {
            // The fleet's connections to its peers: with no internal polling thread (the launcher's setting), MINA's
            // own client transport would never see its connections complete.
            return autowireCreatedService(new Nio2Connector(this, getFactoryManager(), handler, group, resuming));
        }

        @Override
        protected void doCloseImmediately() {
            try {
                group.shutdownNow();
                group.awaitTermination(5, TimeUnit.SECONDS);
            } catch (IOException e) {
                log.debug("closing the SSH transport's threads: {}", e.toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                super.doCloseImmediately();
            }
        }
    }

    /**
     * The group's pool. After the group has started its polling thread, the group gives its pool only completions to
     * run; one that a console's output thread hands it (its own write, completed at once) runs on that thread.
     */
    private static final class CompletingExecutor extends AbstractExecutorService {
        private final ExecutorService pool;

        CompletingExecutor(ExecutorService pool) {
            this.pool = pool;
        }

        @Override
        public void execute(Runnable task) {
            if (!(Thread.currentThread() instanceof OutputThread output) || !output.completeHere(task)) {
                pool.execute(task);
            }
        }

        @Override
        public void shutdown() {
            pool.shutdown();
        }

        @Override
        public List<Runnable> shutdownNow() {
            return pool.shutdownNow();
        }

        @Override
        public boolean isShutdown() {
            return pool.isShutdown();
        }

        @Override
        public boolean isTerminated() {
            return pool.isTerminated();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            return pool.awaitTermination(timeout, unit);
        }
    }
}
