package org.yucon.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.client.channel.ChannelSession;
import org.apache.sshd.client.channel.ClientChannel;
import org.apache.sshd.client.channel.PtyCapableChannelSession;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.io.IoInputStream;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.Signal;
import org.apache.sshd.server.channel.ChannelDataReceiver;
import org.apache.sshd.server.channel.ChannelSessionAware;
import org.apache.sshd.server.command.AsyncCommandStreamsAware;
import org.apache.sshd.server.command.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.fleet.PeerLink;

/**
 * A session relayed to the peer that holds its guest: the person's channel piped to one channel on this gateway's
 * connection to that peer, which runs the menu, console or verb as if the person had logged in there. Nothing here
 * waits: data moves by MINA's asynchronous reads and writes, one buffer in flight each way, and the person's window is
 * released only once their keys went out to the peer, so neither direction can queue more than one SSH window.
 */
final class RelaySession implements Command, ChannelSessionAware, ChannelDataReceiver, AsyncCommandStreamsAware {
    private static final Logger log = LoggerFactory.getLogger(RelaySession.class);
    private static final int CHUNK = 32 * 1024;

    private final PeerLink peer;
    private final String person;
    private final String from;
    private final Optional<String> command;
    private final AuditLog audit;
    /** Keys waiting for the peer channel, or for the write before them; guarded by itself. */
    private final ArrayDeque<byte[]> keys = new ArrayDeque<>();
    /** The two streams from the peer still open; the exit status is passed on when both ended. */
    private final AtomicInteger streamsOpen = new AtomicInteger(2);
    private final AtomicBoolean ended = new AtomicBoolean();

    // Set once by MINA before start().
    private org.apache.sshd.server.channel.ChannelSession channel;
    private IoOutputStream out;
    private IoOutputStream err;
    private ExitCallback onExit;

    // Guarded by keys: the peer's channel once open, and whether a write to it is in flight.
    private ChannelSession remote;
    private boolean writing;

    RelaySession(PeerLink peer, String person, String from, Optional<String> command, AuditLog audit) {
        this.peer = peer;
        this.person = person;
        this.from = from;
        this.command = command;
        this.audit = audit;
    }

    @Override
    public void setChannelSession(org.apache.sshd.server.channel.ChannelSession session) {
        this.channel = session;
        session.setDataReceiver(this);
    }

    @Override
    public void setIoOutputStream(IoOutputStream out) {
        this.out = out;
    }

    @Override
    public void setIoErrorStream(IoOutputStream err) {
        this.err = err;
    }

    @Override
    public void setIoInputStream(IoInputStream in) {
        // Input arrives through data(), set as the channel's receiver before MINA would make this stream.
    }

    @Override
    public void setInputStream(InputStream in) {
        // Input arrives through data().
    }

    @Override
    public void setOutputStream(OutputStream out) {
        // The asynchronous stream is used instead.
    }

    @Override
    public void setErrorStream(OutputStream err) {
        // The asynchronous stream is used instead.
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.onExit = callback;
    }

    /** On a MINA thread: asks for the peer's connection and opens the channel when it is there. */
    @Override
    public void start(org.apache.sshd.server.channel.ChannelSession session, Environment env) {
        audit.record(person, from, "relay", "", "to " + peer.peer().name() + ": " + command.orElse("menu"));
        peer.session().whenComplete((s, failure) -> {
            if (failure != null) {
                refuse(failure.getCause() != null ? failure.getCause().getMessage() : failure.getMessage());
            } else {
                open(s, env);
            }
        });
    }

    private void open(ClientSession s, Environment env) {
        try {
            PtyCapableChannelSession relayed = command.isPresent() ? s.createExecChannel(command.get()) : s.createShellChannel();
            Map<String, String> vars = new TreeMap<>();
            env.getEnv().forEach((name, value) -> {
                if (RestrictedChannelSession.allowed(name)) {
                    vars.put(name, value);
                }
            });
            vars.put(PeerLink.PERSON, person);
            vars.put(PeerLink.FROM, from);
            vars.forEach(relayed::setEnv);
            boolean pty = new ClientEnvironment(env).hasTerminal();
            relayed.setUsePty(pty);
            if (pty) {
                relayed.setPtyType(env.getEnv().get(Environment.ENV_TERM));
                relayed.setPtyColumns(ClientEnvironment.dimension(env.getEnv(), Environment.ENV_COLUMNS, 80));
                relayed.setPtyLines(ClientEnvironment.dimension(env.getEnv(), Environment.ENV_LINES, 24));
                relayed.setPtyModes(env.getPtyModes());
                env.addSignalListener((ch, signal) -> windowChanged(relayed, env), Signal.WINCH);
            }
            relayed.setStreaming(ClientChannel.Streaming.Async);
            relayed.open().addListener(opened -> {
                if (!opened.isOpened()) {
                    refuse("peer " + peer.peer().name() + " refused the session: " + opened.getException());
                    return;
                }
                pump(relayed.getAsyncOut(), out, new ByteArrayBuffer(CHUNK, false));
                pump(relayed.getAsyncErr(), err, new ByteArrayBuffer(CHUNK, false));
                synchronized (keys) {
                    remote = relayed;
                }
                sendKeys();
            });
        } catch (IOException | RuntimeException e) {
            refuse("peer " + peer.peer().name() + ": " + e.getMessage());
        }
    }

    private void windowChanged(PtyCapableChannelSession relayed, Environment env) {
        try {
            relayed.sendWindowChange(ClientEnvironment.dimension(env.getEnv(), Environment.ENV_COLUMNS, 80),
                    ClientEnvironment.dimension(env.getEnv(), Environment.ENV_LINES, 24));
        } catch (IOException e) {
            log.debug("window change not relayed: {}", e.toString());
        }
    }

    /**
     * Copies one stream of the peer's channel to the person's, one buffer at a time, until the peer's ends. The one
     * buffer serves every read: a write has copied it into packets by the time it completes, and a flood comes in
     * packets of a few KB, so a fresh 32 KB buffer for each was most of what the relay allocated.
     */
    private void pump(IoInputStream from, IoOutputStream to, ByteArrayBuffer buffer) {
        buffer.clear(false);
        from.read(buffer).addListener(read -> {
            if (read.getException() != null) {
                streamEnded();
                return;
            }
            try {
                to.writeBuffer(buffer).addListener(written -> {
                    if (written.isWritten()) {
                        pump(from, to, buffer);
                    } else {
                        end(1);
                    }
                });
            } catch (IOException e) {
                end(1);
            }
        });
    }

    private void streamEnded() {
        if (streamsOpen.decrementAndGet() == 0) {
            Integer status;
            synchronized (keys) {
                status = remote == null ? null : remote.getExitStatus();
            }
            end(status == null ? 1 : status);
        }
    }

    /** On MINA's I/O thread: the keys wait their turn; the window is released once they went out. */
    @Override
    public int data(org.apache.sshd.server.channel.ChannelSession session, byte[] buf, int start, int len) {
        synchronized (keys) {
            keys.add(Arrays.copyOfRange(buf, start, start + len));
        }
        sendKeys();
        return 0;
    }

    private void sendKeys() {
        byte[] next;
        ChannelSession to;
        synchronized (keys) {
            if (writing || remote == null || keys.isEmpty()) {
                return;
            }
            writing = true;
            next = keys.poll();
            to = remote;
        }
        try {
            to.getAsyncIn().writeBuffer(new ByteArrayBuffer(next)).addListener(written -> {
                synchronized (keys) {
                    writing = false;
                }
                if (!written.isWritten()) {
                    end(1);
                    return;
                }
                try {
                    channel.getLocalWindow().release(next.length);
                } catch (IOException e) {
                    end(1);
                    return;
                }
                sendKeys();
            });
        } catch (IOException e) {
            end(1);
        }
    }

    /** The peer could not be reached or refused: one sentence, then the end. */
    private void refuse(String why) {
        try {
            err.writeBuffer(new ByteArrayBuffer(("[yucon] " + why + "\r\n").getBytes(StandardCharsets.UTF_8)))
                    .addListener(written -> end(1));
        } catch (IOException e) {
            end(1);
        }
    }

    private void end(int status) {
        if (ended.compareAndSet(false, true)) {
            closeRemote();
            onExit.onExit(status);
        }
    }

    private void closeRemote() {
        synchronized (keys) {
            if (remote != null) {
                remote.close(false);
            }
        }
    }

    /** The client sent EOF. */
    @Override
    public void close() {
        synchronized (keys) {
            if (remote != null) {
                try {
                    remote.getAsyncIn().close(false);
                } catch (RuntimeException e) {
                    log.debug("EOF not relayed: {}", e.toString());
                }
            }
        }
    }

    @Override
    public void destroy(org.apache.sshd.server.channel.ChannelSession session) {
        if (ended.compareAndSet(false, true)) {
            closeRemote();
        }
    }
}
