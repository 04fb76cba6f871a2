package org.yucon.ssh;

import java.io.IOException;
import java.io.InterruptedIOException;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.throttle.ChannelStreamWriter;
import org.apache.sshd.common.channel.throttle.ChannelStreamWriterResolver;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.SshServer;

/**
 * A session channel's data packets that MINA has queued and not yet handed to the socket. MINA's queue of writes
 * has no bound and each completed write searches it: a guest printing short lines to a client that reads slowly
 * piled up thousands of packets of a line each, and the gateway spent a core searching the queue while the
 * console crawled at 10 KB/s (measured in the demo, tmux as the terminal). Console output sends only while this
 * count is low and so, when the client is slow, in fewer and bigger packets.
 *
 * <p>Counted on the threads that write and on MINA's, which complete the writes; waited on by console pumps.
 */
final class PacketsInFlight implements ChannelStreamWriter {
    private static final AttributeRepository.AttributeKey<PacketsInFlight> KEY = new AttributeRepository.AttributeKey<>();

    private final ChannelStreamWriter writer;
    private final Object lock = new Object();
    /** Guarded by lock. */
    private int packets;

    PacketsInFlight(ChannelStreamWriter writer) {
        this.writer = writer;
    }

    /** Counts the packets of every channel's data stream around MINA's own writer (stderr is left as it was). */
    static void countOn(SshServer server) {
        server.setChannelStreamWriterResolver((channel, cmd) -> {
            ChannelStreamWriter writer = ChannelStreamWriterResolver.NONE.resolveChannelStreamWriter(channel, cmd);
            if (cmd != SshConstants.SSH_MSG_CHANNEL_DATA) {
                return writer;
            }
            PacketsInFlight counted = new PacketsInFlight(writer);
            channel.setAttribute(KEY, counted);
            return counted;
        });
    }

    /** The count of {@code channel}'s data stream, once that stream exists. */
    static PacketsInFlight of(Channel channel) {
        PacketsInFlight counted = channel.getAttribute(KEY);
        if (counted == null) {
            throw new IllegalStateException("the channel's packets are not counted (see countOn)");
        }
        return counted;
    }

    @Override
    public IoWriteFuture writeData(Buffer buffer) throws IOException {
        synchronized (lock) {
            packets++;
        }
        IoWriteFuture written;
        try {
            written = writer.writeData(buffer);
        } catch (IOException | RuntimeException e) {
            sent();
            throw e;
        }
        written.addListener(future -> sent());
        return written;
    }

    int packets() {
        synchronized (lock) {
            return packets;
        }
    }

    /** Waits until fewer than {@code limit} packets are in flight (a failed write counts as done). */
    void awaitFewerThan(int limit) throws InterruptedIOException {
        synchronized (lock) {
            while (packets >= limit) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("stopped while the client was slow to take output");
                }
            }
        }
    }

    private void sent() {
        synchronized (lock) {
            packets--;
            lock.notifyAll();
        }
    }

    @Override
    public boolean isOpen() {
        return writer.isOpen();
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
