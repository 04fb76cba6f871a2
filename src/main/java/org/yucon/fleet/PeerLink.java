package org.yucon.fleet;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.PublicKey;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.yucon.config.FleetSettings;

/**
 * The one SSH connection from this gateway to one peer, made when first needed and kept while it works: every relayed
 * session, verb and poll to that peer is a channel on it. The peer's host key must be the pinned one; this gateway
 * logs in as {@link #LOGIN} with its own host key, which the peer pins in turn.
 */
public final class PeerLink {
    /** The peer login: not an account name (accounts cannot hold '@'), so no account file can claim it. */
    public static final String LOGIN = "@peer";
    /** Environment of a relayed channel: who the person is, and from where they reached the entry gateway. */
    public static final String PERSON = "YUCON_PERSON";
    public static final String FROM = "YUCON_FROM";
    /** The one command a peer's poll runs, answered without a person. */
    public static final String FLEET_GUESTS = "fleet-guests";

    private final FleetSettings.Peer peer;
    private final SshClient client;
    /** The connection, made or being made; replaced once it failed or closed. Guarded by this. */
    private CompletableFuture<ClientSession> session;
    /** Why the last connection was refused, for naming a wrong host key. Written by MINA's threads. */
    private volatile String refusal = "";

    PeerLink(FleetSettings.Peer peer, SshClient client) {
        this.peer = peer;
        this.client = client;
    }

    public FleetSettings.Peer peer() {
        return peer;
    }

    /** Checks the key a peer presents: the pinned one, or the peer is refused and named. On a MINA thread. */
    boolean verify(PublicKey key) {
        if (KeyUtils.compareKeys(peer.hostKey(), key)) {
            refusal = "";
            return true;
        }
        refusal = "peer " + peer.name() + " at " + peer.address() + ":" + peer.port() + " presented host key "
                + KeyUtils.getFingerPrint(key) + ", not the one pinned in yucon.toml (" + KeyUtils.getFingerPrint(peer.hostKey()) + "): refused";
        return false;
    }

    /** The connection, made now if there is none; never waits. */
    public synchronized CompletableFuture<ClientSession> session() {
        if (session == null || session.isCompletedExceptionally() || (session.isDone() && !session.join().isOpen())) {
            session = connect();
        }
        return session;
    }

    private CompletableFuture<ClientSession> connect() {
        CompletableFuture<ClientSession> made = new CompletableFuture<>();
        try {
            client.connect(LOGIN, peer.address(), peer.port(), AttributeRepository.ofKeyValuePair(Fleet.LINK, this)).addListener(connected -> {
                if (!connected.isConnected()) {
                    made.completeExceptionally(failure(connected.getException()));
                    return;
                }
                ClientSession s = connected.getSession();
                try {
                    s.auth().addListener(auth -> {
                        if (auth.isSuccess()) {
                            made.complete(s);
                        } else {
                            s.close(true);
                            made.completeExceptionally(failure(auth.getException()));
                        }
                    });
                } catch (IOException e) {
                    s.close(true);
                    made.completeExceptionally(failure(e));
                }
            });
        } catch (IOException e) {
            made.completeExceptionally(failure(e));
        }
        return made;
    }

    /** One sentence: the refused host key when that was why, else what went wrong. */
    private IOException failure(Throwable cause) {
        String why = !refusal.isEmpty() ? refusal
                : "peer " + peer.name() + " at " + peer.address() + ":" + peer.port() + " unreachable: "
                + (cause == null ? "closed" : cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
        return new IOException(why, cause);
    }

    /** The output of a verb run on the peer as {@code person}, within {@code timeout}; for threads that may wait. */
    public Result run(String person, String from, String command, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ClientSession s = await(session(), deadline, timeout);
        try (ChannelExec exec = s.createExecChannel(command)) {
            Map.of(PERSON, person, FROM, from).forEach(exec::setEnv);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            exec.setOut(out);
            exec.setErr(err);
            exec.open().verify(remaining(deadline));
            // The exit status comes after the output, in order on the connection: once here, the answer is whole.
            // (Waiting for the channel's close as well took seconds at times on a loaded machine, answer complete.)
            exec.waitFor(EnumSet.of(ClientChannelEvent.EXIT_STATUS, ClientChannelEvent.CLOSED), remaining(deadline));
            Integer status = exec.getExitStatus();
            if (status == null) {
                throw new SilentPeerException("peer " + peer.name() + " did not answer within " + timeout.toMillis() + " ms");
            }
            return new Result(status, out.toString(UTF_8),
                    err.toString(UTF_8));
        }
    }

    /** What a verb on the peer printed, and its exit status. */
    public record Result(int status, String out, String err) {
    }

    /** The peer is connected but did not answer in time: busy, or gone without closing. */
    public static final class SilentPeerException extends IOException {
        SilentPeerException(String message) {
            super(message);
        }
    }

    private ClientSession await(CompletableFuture<ClientSession> future, long deadline, Duration timeout) throws IOException {
        try {
            return future.get(remaining(deadline), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? new IOException(io.getMessage(), io) : new IOException(e.getCause());
        } catch (TimeoutException e) {
            throw new SilentPeerException("peer " + peer.name() + " at " + peer.address() + ":" + peer.port()
                    + " not reached within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    private static long remaining(long deadline) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }

    /** Closes the connection; the next use makes another. */
    synchronized void close() {
        if (session != null && session.isDone() && !session.isCompletedExceptionally()) {
            session.join().close(true);
        }
        session = null;
    }
}
