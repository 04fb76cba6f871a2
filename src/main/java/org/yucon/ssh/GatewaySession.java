package org.yucon.ssh;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.server.command.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.config.AccountConfig;
import org.yucon.control.Access;
import org.yucon.util.SerialExecutor;

/**
 * One SSH session: the menu, a console, or one exec verb, on one channel ({@link SshChannel}). The session turns
 * the channel's events into steps and hands them to the {@link Screen} it shows, which {@link Opening} chose; the
 * screens draw and decide.
 *
 * <p>Like a tmux client, the session is an event loop, but without a thread of its own: every event is a step
 * queued on the session's {@link SerialExecutor} and run one at a time, in order, by whichever thread of the
 * gateway's shared session pool is free. Events are input (handed over by MINA's I/O thread, which never blocks
 * here), window changes and refresh requests (the menus' shared ticker says what they show changed; top asks
 * every second). An idle session holds no thread, so that a thousand idle menus are not a thousand sleeping
 * threads (BENCHMARKS.md). Two kinds of step run on the thread that has the event instead, when no other step
 * runs and the step cannot block: keys for the console that go to the guest at once, and a tick of an idle menu.
 * Input is taken from the client's window only once handled, so a fast typist or a paste cannot make the queue
 * grow beyond the SSH window. What other viewers do to this one's role on a console
 * (force, promotion) arrives on their threads and is queued here too.
 *
 * <p>Rights are followed as {@link SessionRights} says: each key is held to the decision made since the last change.
 */
final class GatewaySession implements SessionLoop {
    private static final Logger log = LoggerFactory.getLogger(GatewaySession.class);

    private final AccountConfig account;
    /** What the login may do, as this session last decided it. */
    private final SessionRights rights;
    /** Chooses the screen, in the first step. */
    private final Opening opening;
    /** Runs the steps, one at a time and in order; whatever posts a step may be on any thread. */
    private final SerialExecutor steps;
    /** A resize step is queued and has not yet read the size: window changes until then need no step of their own. */
    private final AtomicBoolean resizeQueued = new AtomicBoolean();
    /** Set by {@link #start} on MINA's thread before it queues the first step, which hands it to the steps. */
    private SshChannel channel;

    // Owned by the session's steps: one at a time, on whichever pool thread; the serial executor hands these
    // fields from one step to the next. Nothing else touches them.
    /** What has the terminal and the keyboard; chosen by the first step. */
    private Screen screen = Screen.NONE;
    /** Set by a step when the session is done, with the exit status; the step's end closes the session. */
    private boolean finished;
    private int exitStatus;
    /** Why the gateway ended the session, said last; null when the user ended it. */
    private String farewell;
    /** The session was closed: later steps do nothing. */
    private boolean ended;

    private GatewaySession(GatewayContext context, AccountConfig account, Optional<String> commandLine, String from,
                           boolean relayed) {
        this.account = account;
        Access access = Access.of(context.accounts(), account.name());
        this.rights = new SessionRights(access, context.accounts().changes(), () -> post(this::keepRights));
        this.opening = new Opening(context, this, account, access, commandLine, from, relayed);
        this.steps = new SerialExecutor(context.sessions());
    }

    /**
     * The command MINA runs on a new session channel. {@code from}: where the person came from, as logs and viewer
     * lists name them (with the entry host if relayed).
     */
    static Command command(GatewayContext context, AccountConfig account, Optional<String> commandLine, String from,
                           boolean relayed) {
        return new SshChannel(new GatewaySession(context, account, commandLine, from, relayed), account.name());
    }

    /** On MINA's thread: the channel is set up. */
    void start(SshChannel channel) {
        this.channel = channel;
        rights.listen();
        post(this::begin);
    }

    /**
     * On MINA's I/O thread, which must not wait: keys for the console that can go to the guest at once go right
     * here, if no step is running (an echo comes back a thread wake-up sooner); anything else is handed over as a
     * step. The window is released once the bytes are handled.
     */
    void typed(byte[] bytes) {
        if (!runHereIfIdle(() -> typedHere(bytes))) {
            post(() -> keys(bytes));
        }
    }

    /**
     * On MINA's I/O thread, after it stored the new size: at most one resize step waits, and it reads the size when it
     * runs, so the latest wins and a flood of window changes queues nothing more.
     */
    void windowChanged() {
        if (resizeQueued.compareAndSet(false, true)) {
            post(this::resized);
        }
    }

    /** On MINA's thread: the client sent EOF, or the channel is gone. */
    void closed() {
        post(() -> finish(0, null));
    }

    @Override
    public void post(Step step) {
        steps.execute(() -> run(step));
    }

    @Override
    public boolean runHereIfIdle(Step step) {
        return steps.runHereIfIdle(() -> run(step));
    }

    @Override
    public void finish(int status, String why) {
        exitStatus = status;
        finished = true;
        if (why != null) {
            farewell = "\r\n[yucon] " + why;
        }
    }

    @Override
    public boolean finished() {
        return finished;
    }

    @Override
    public SshChannel channel() {
        return channel;
    }

    private void run(Step step) {
        if (ended) {
            return;
        }
        try {
            step.run();
            if (finished) {
                screen.finishing();
                end(exitStatus);
            }
        } catch (IOException e) {
            log.debug("session of {} ended: {}", account.name(), e.toString());
            end(1);
        } catch (RuntimeException e) {
            log.error("session of {} failed", account.name(), e);
            channel.complain("internal error: " + e.getClass().getSimpleName() + "; see the gateway's log");
            end(1);
        }
    }

    /** The session's one way out, whatever the reason. */
    private void end(int status) {
        ended = true;
        rights.unlisten();
        screen.close();
        if (farewell != null) {
            channel.say(farewell);
        }
        channel.exit(status);
    }

    /** The first step: the verb, or the menu. */
    private void begin() throws IOException {
        screen = opening.open();
    }

    private void keys(byte[] bytes) throws IOException {
        keepRights();
        if (!finished) {
            screen.keys(bytes);
        }
        channel.handled(bytes.length);
    }

    /**
     * A step on MINA's thread: see {@link #typed}. Once rights changed, keys take the step's way until the session has
     * decided them again.
     */
    private void typedHere(byte[] bytes) throws IOException {
        if (rights.current() && screen.offer(bytes)) {
            channel.handled(bytes.length);
        } else {
            post(() -> keys(bytes));
        }
    }

    private void keepRights() throws IOException {
        if (!finished) {
            rights.decideAgain(this, screen);
        }
    }

    private void resized() throws IOException {
        resizeQueued.set(false);
        screen.resized();
    }

    /** The client's address as host:port, without InetSocketAddress's slash. */
    static String address(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet.getHostString() + ":" + inet.getPort() : String.valueOf(address);
    }
}
