package org.yucon.ssh;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannel;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.io.IoInputStream;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.fleet.Fleet;
import org.yucon.fleet.PeerLink;

/**
 * A person's terminal lent, from an admin's menu, to a verb (console, ps, top) on the peer that holds the guest: a
 * channel with a pty on this gateway's one connection to that peer, run there as the person (so a console is one more
 * viewer on the peer's hub, and the peer decides and audits), until the verb ends. Output is read one buffer at a
 * time and the next read waits until the session wrote the last, so nothing queues beyond one buffer and the peer's
 * window; keys wait for their write, on the session's step.
 */
final class PeerTerminal {
    private static final Logger log = LoggerFactory.getLogger(PeerTerminal.class);
    private static final int CHUNK = 32 * 1024;

    /** Where the peer's terminal shows; both are called on MINA's threads, so they hand the work to the session. */
    interface Screen {
        /** Output of the verb; {@code more} asks for the next once this was written. */
        void show(PeerTerminal from, byte[] bytes, Runnable more);

        /** The verb ended ({@code why} is empty), or never began ({@code why} says why, one sentence). */
        void ended(PeerTerminal from, String why);
    }

    private final PeerLink peer;
    private final Screen screen;
    /** The channel to the peer, once open. Completed on MINA's thread, read by the session's steps. */
    private final CompletableFuture<ChannelExec> channel = new CompletableFuture<>();
    /** Both of the channel's streams still open: the end is told when neither is. */
    private final AtomicInteger streamsOpen = new AtomicInteger(2);
    private final AtomicBoolean over = new AtomicBoolean();

    private PeerTerminal(PeerLink peer, Screen screen) {
        this.peer = peer;
        this.screen = screen;
    }

    /**
     * Opens {@code verb} on {@code peer} as {@code person} in a pty of the person's type and size; returns at once,
     * and tells {@code screen} what comes.
     */
    static PeerTerminal open(PeerLink peer, String person, String from, String verb, String term, int columns, int rows,
                             Screen screen) {
        PeerTerminal terminal = new PeerTerminal(peer, screen);
        peer.session().whenComplete((session, failure) -> {
            if (failure != null) {
                terminal.end(failure.getCause() != null ? failure.getCause().getMessage() : failure.getMessage());
            } else {
                terminal.start(session, person, from, verb, term, columns, rows);
            }
        });
        return terminal;
    }

    private void start(ClientSession session, String person, String from, String verb, String term, int columns, int rows) {
        try {
            ChannelExec exec = session.createExecChannel(verb);
            exec.setEnv(PeerLink.PERSON, person);
            exec.setEnv(PeerLink.FROM, from);
            exec.setUsePty(true);
            exec.setPtyType(term);
            exec.setPtyColumns(columns);
            exec.setPtyLines(rows);
            exec.setStreaming(ClientChannel.Streaming.Async);
            exec.open().addListener(opened -> {
                if (!opened.isOpened()) {
                    end("peer " + peer.peer().name() + " refused: " + opened.getException());
                    return;
                }
                if (!channel.complete(exec)) {
                    // The person left before the channel opened.
                    exec.close(false);
                    return;
                }
                pump(exec.getAsyncOut(), new ByteArrayBuffer(CHUNK, false));
                pump(exec.getAsyncErr(), new ByteArrayBuffer(CHUNK, false));
            });
        } catch (IOException | RuntimeException e) {
            end("peer " + peer.peer().name() + ": " + e.getMessage());
        }
    }

    /** One buffer for every read of a stream: what was read is copied out before the next read. */
    private void pump(IoInputStream from, ByteArrayBuffer buffer) {
        buffer.clear(false);
        from.read(buffer).addListener(read -> {
            if (read.getException() != null) {
                if (streamsOpen.decrementAndGet() == 0) {
                    end("");
                }
                return;
            }
            screen.show(this, Arrays.copyOfRange(buffer.array(), buffer.rpos(), buffer.wpos()), () -> pump(from, buffer));
        });
    }

    /**
     * On the session's step: sends the keys once the channel is open, waiting for the write (bounded by the peer's
     * window and {@link Fleet#ASK_TIMEOUT}); a peer that takes none in that time loses the terminal.
     */
    void type(byte[] keys) {
        try {
            ChannelExec to = channel.get(Fleet.ASK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            to.getAsyncIn().writeBuffer(new ByteArrayBuffer(keys)).verify(Fleet.ASK_TIMEOUT);
        } catch (IOException | ExecutionException | TimeoutException | RuntimeException e) {
            log.debug("keys not relayed to {}: {}", peer.peer().name(), e.toString());
            close();
            end("peer " + peer.peer().name() + " took no keys within " + Fleet.ASK_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
        }
    }

    /** On the session's step: the person's window changed. */
    void resize(int columns, int rows) {
        ChannelExec open = channel.getNow(null);
        if (open != null) {
            try {
                open.sendWindowChange(columns, rows);
            } catch (IOException e) {
                log.debug("window change not relayed to {}: {}", peer.peer().name(), e.toString());
            }
        }
    }

    /** The session ends, or leaves the verb: the channel closes (the peer's console detaches this viewer). */
    void close() {
        channel.thenAccept(open -> open.close(false));
        if (!channel.isDone()) {
            channel.cancel(false);
        }
    }

    private void end(String why) {
        if (over.compareAndSet(false, true)) {
            screen.ended(this, why);
        }
    }
}
