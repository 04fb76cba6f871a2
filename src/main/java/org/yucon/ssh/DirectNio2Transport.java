package org.yucon.ssh;

import java.io.IOException;
import java.nio.channels.AsynchronousChannelGroup;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.FactoryManager;
import org.apache.sshd.common.io.IoAcceptor;
import org.apache.sshd.common.io.IoConnector;
import org.apache.sshd.common.io.IoHandler;
import org.apache.sshd.common.io.IoServiceFactory;
import org.apache.sshd.common.io.IoServiceFactoryFactory;
import org.apache.sshd.common.io.nio2.Nio2Acceptor;
import org.apache.sshd.common.io.nio2.Nio2ServiceFactory;
import org.apache.sshd.common.util.threads.CloseableExecutorService;
import org.apache.sshd.common.util.threads.SshdThreadFactory;
import org.apache.sshd.common.util.threads.ThreadUtils;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * MINA's NIO2 transport on a channel group with a fixed thread pool. MINA's own factory builds its group over an
 * executor service, and the JDK then polls on a thread of its own and hands every completed read to that executor:
 * one more thread wake-up in front of every keystroke. On a fixed-pool group the thread that polled runs MINA's
 * handler itself (measured with strace: the hand-off took 0.1–0.15 ms of a keystroke's echo). MINA's acceptor takes
 * its factory as a {@link Nio2ServiceFactory}, whose constructor still builds its own group: that one stays unused
 * (an idle JDK thread).
 */
final class DirectNio2Transport implements IoServiceFactoryFactory {
    @Override
    public IoServiceFactory create(FactoryManager manager) {
        return new Factory(manager);
    }

    /** The transport makes its own threads: the point of it is which pool they are in. */
    @Override
    public void setExecutorServiceFactory(org.apache.sshd.common.Factory<CloseableExecutorService> factory) {
        throw new UnsupportedOperationException("the SSH transport makes its own threads");
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
                group = AsynchronousChannelGroup.withFixedThreadPool(workers(manager), new SshdThreadFactory(manager + "-nio2"));
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
            throw new UnsupportedOperationException("the gateway makes no outgoing SSH connections");
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
}
