package org.yucon.ssh;

import com.googlecode.lanterna.TerminalSize;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.Signal;
import org.apache.sshd.server.channel.ChannelDataReceiver;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.channel.ChannelSessionAware;
import org.apache.sshd.server.command.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.config.AccessChanges;
import org.yucon.config.AccountConfig;
import org.yucon.console.EscapeKeys;
import org.yucon.console.RoleChange;
import org.yucon.control.Access;
import org.yucon.control.ConsoleAttachment;
import org.yucon.control.ConsoleKeys;
import org.yucon.control.ConsoleRight;
import org.yucon.control.GuestActions;
import org.yucon.control.ViewerSink;
import org.yucon.fleet.PeerLink;
import org.yucon.guest.GuestSupervisor;
import org.yucon.metrics.Metrics;
import org.yucon.guest.Guests;
import org.yucon.recording.CastPlayer;
import org.yucon.recording.Recording;
import org.yucon.recording.RecordingInfo;
import org.yucon.tui.GuestMenu;
import org.yucon.tui.KeyFeed;
import org.yucon.tui.LogPager;
import org.yucon.tui.PeerActions;
import org.yucon.tui.SshTerminal;
import org.yucon.util.SerialExecutor;

/**
 * One SSH session channel: the menu, a console, or one exec verb.
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
 * <p>On a console, the escape keys ({@link EscapeKeys}) run conserver's commands ({@link ConsoleKeys}); what a key
 * does to a guest is one of the login's {@link GuestActions}, shared with the verbs. The menu and the log pager can
 * be shown over an attached console: the viewer stays attached, with its role, while its output is held and
 * caught up afterwards.
 *
 * <p>Rights are those of the account and guests as they are now ({@link Access}): when they change
 * ({@link AccessChanges}) the session is told and decides again in a step, and each key is held to the decision made
 * since the last change; until the session has decided again, keys take the step's way, not the fast one.
 */
final class GatewaySession implements Command, ChannelSessionAware, ChannelDataReceiver, ConsoleKeys.Front {
    private static final Logger log = LoggerFactory.getLogger(GatewaySession.class);
    /** One thing the session does on an event; a step that throws ends the session. */
    @FunctionalInterface
    private interface Step {
        void run() throws IOException;
    }

    /** What has the screen and the keyboard. */
    private enum Front { MENU, CONSOLE, LOG, PLAY, PEER }

    private final GatewayContext context;
    private final AccountConfig account;
    /** What the login may do now; {@link #account} is the account as it logged in (its name and escape key). */
    private final Access access;
    private final AccessChanges rights;
    /** Hands a change of rights over to the session's steps; called on the thread that counted the change. */
    private final Runnable rightsChanged = () -> post(this::keepRights);
    private final Optional<String> commandLine;
    private final String from;
    /** The session came through a peer: it shows this host only. */
    private final boolean relayed;
    /** Runs the steps, one at a time and in order; whatever posts a step may be on any thread. */
    private final SerialExecutor steps;
    private final AtomicBoolean refreshQueued = new AtomicBoolean();
    /** A resize step is queued and has not yet read the size: window changes until then need no step of their own. */
    private final AtomicBoolean resizeQueued = new AtomicBoolean();
    /** The escape key parser; its state (a prefix pending) belongs to the session's steps. */
    private final EscapeKeys escape;
    private final ConsoleKeys consoleKeys;

    // Set once by MINA before start().
    private ChannelSession channel;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback onExit;
    private ClientEnvironment client;

    // Owned by the session's steps: one at a time, on whichever pool thread; the serial executor hands these
    // fields from one step to the next. Nothing else touches them.
    /** What the login does with its guests, whichever way it asks; made by the first step, once the address is known. */
    private GuestActions actions;
    private SshTerminal terminal;
    /** Made when first shown. */
    private GuestMenu menu;
    /** Open while front is LOG. */
    private LogPager pager;
    /** Open while front is PLAY; its next event is {@link #timer}'s. */
    private CastPlayer player;
    private Front front = Front.MENU;
    /** top's next redraw, or null. */
    private ScheduledFuture<?> timer;
    /** top is shown and wants a frame every second. */
    private boolean everySecond;
    /** The menus' shared ticks, while the menu is shown. */
    private Guests.Subscription ticks;
    /** Open while front is PEER: a console, ps or top on the peer holding an admin's chosen guest. */
    private PeerTerminal peer;
    /** The attached console, or null. */
    private ConsoleAttachment console;
    private boolean consoleOnly;
    /** Set by a step when the session is done, with the exit status; the step's end closes the session. */
    private boolean finished;
    private int exitStatus;
    /** Why the gateway ended the session, said last; null when the user ended it. */
    private String farewell;
    /** The count of {@link #rights} changes that this session's decisions follow. */
    private long rightsSeen;
    /** The session was closed: later steps do nothing. */
    private boolean ended;

    /** {@code from}: where the person came from, as logs and viewer lists name them (with the entry host if relayed). */
    GatewaySession(GatewayContext context, AccountConfig account, Optional<String> commandLine, String from, boolean relayed) {
        this.context = context;
        this.from = from;
        this.relayed = relayed;
        this.account = account;
        this.access = Access.of(context.accounts(), account.name());
        this.rights = context.accounts().changes();
        this.rightsSeen = rights.count();
        this.commandLine = commandLine;
        this.escape = new EscapeKeys(account.escapeKey());
        this.consoleKeys = new ConsoleKeys(escape, this);
        this.steps = new SerialExecutor(context.sessions());
    }

    @Override
    public void setChannelSession(ChannelSession session) {
        this.channel = session;
        session.setDataReceiver(this);
    }

    @Override
    public void setInputStream(InputStream in) {
        // Input arrives through data(), never through a stream.
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
        this.onExit = callback;
    }

    @Override
    public void start(ChannelSession session, Environment env) {
        this.client = new ClientEnvironment(env);
        env.addSignalListener((ch, signal) -> windowChanged(), Signal.WINCH);
        rights.listen(rightsChanged);
        post(this::begin);
    }

    @Override
    public void destroy(ChannelSession session) {
        post(() -> finish(0));
    }

    /**
     * On MINA's I/O thread, which must not wait: keys for the console that can go to the guest at once go right
     * here, if no step is running (an echo comes back a thread wake-up sooner); anything else is handed over as a
     * step. The window is released once the bytes are handled.
     */
    @Override
    public int data(ChannelSession session, byte[] buf, int start, int len) {
        byte[] bytes = Arrays.copyOfRange(buf, start, start + len);
        if (!steps.runHereIfIdle(() -> run(() -> typedHere(bytes)))) {
            post(() -> typed(bytes));
        }
        return 0;
    }

    /** The client sent EOF. */
    @Override
    public void close() {
        post(() -> finish(0));
    }

    /** Queues a step; returns at once, on any thread. */
    private void post(Step step) {
        steps.execute(() -> run(step));
    }

    private void run(Step step) {
        if (ended) {
            return;
        }
        try {
            step.run();
            if (finished) {
                if (front == Front.MENU && menu != null) {
                    hideMenu();
                }
                end(exitStatus);
            }
        } catch (IOException e) {
            log.debug("session of {} ended: {}", account.name(), e.toString());
            end(1);
        } catch (RuntimeException e) {
            log.error("session of {} failed", account.name(), e);
            say(err, "internal error: " + e.getClass().getSimpleName() + "; see the gateway's log");
            end(1);
        }
    }

    /** The session's one way out, whatever the reason. */
    private void end(int status) {
        ended = true;
        rights.unlisten(rightsChanged);
        if (ticks != null) {
            ticks.close();
        }
        if (timer != null) {
            timer.cancel(false);
        }
        if (console != null) {
            leaveConsole();
        }
        if (player != null) {
            closePlayer();
        }
        if (peer != null) {
            peer.close();
        }
        if (farewell != null) {
            say(out, farewell);
        }
        onExit.onExit(status);
    }

    private void finish(int status) {
        exitStatus = status;
        finished = true;
    }

    /** The gateway ends the session and says why, once the screen is the user's own again. */
    private void finishBecause(String why) {
        farewell = "\r\n[yucon] " + why;
        finish(1);
    }

    /** The first step: the verb, or the menu. */
    private void begin() throws IOException {
        actions = new GuestActions(context.guests(), access, context.audit()::record,
                from, context.settings().stateDir().resolve("logs"),
                context.recordings());
        if (commandLine.isPresent()) {
            exec(commandLine.get());
        } else {
            startMenu();
        }
    }

    private void exec(String line) throws IOException {
        CommandLine command;
        try {
            command = CommandLine.parse(line);
        } catch (IllegalArgumentException e) {
            say(err, e.getMessage());
            finish(2);
            return;
        }
        log.info("{} runs: {}", account.name(), line);
        context.metrics().session(command.verb() == Verb.CONSOLE ? Metrics.SessionKind.CONSOLE : Metrics.SessionKind.VERB);
        Verbs verbs = new Verbs(actions, out, err, new FleetStatus(context, access, from, relayed));
        if (command.verb() == Verb.PLAY) {
            play(command.operands().get(0));
            return;
        }
        if (command.verb() == Verb.PS || command.verb() == Verb.TOP) {
            processes(verbs, command);
            return;
        }
        if (command.verb() != Verb.CONSOLE) {
            finish(verbs.run(command));
            return;
        }
        Optional<GuestSupervisor> target = verbs.guest(command);
        if (target.isEmpty()) {
            finish(1);
        } else if (!hasTerminal()) {
            say(err, "the console needs a terminal: use ssh -t");
            finish(2);
        } else {
            consoleOnly = true;
            terminal = new SshTerminal(new KeyFeed(), out, columns(), rows(), client.utf8());
            attach(target.get(), new byte[0]);
        }
    }

    /** {@code play ID}: the recording at its own pace on this terminal, until its end or {@code q}. */
    private void play(String id) throws IOException {
        Optional<RecordingInfo> recording = actions.recording(id);
        if (recording.isEmpty()) {
            say(err, Verbs.noRecording(id));
            finish(1);
        } else if (!hasTerminal()) {
            say(err, "play needs a terminal: use ssh -t, or 'recording " + id + "' for the file");
            finish(2);
        } else {
            player = new CastPlayer(actions.open(recording.get()), out);
            front = Front.PLAY;
            say(out, "[yucon] recording " + id + " of " + recording.get().guest() + ": space pauses, q stops, + and - change the speed");
            playOn();
        }
    }

    private void playOn() throws IOException {
        long next = player.play();
        if (next == CastPlayer.DONE) {
            stopPlaying("end of the recording");
        } else if (next != CastPlayer.PAUSED) {
            timer = context.scheduler().schedule(() -> post(this::playOn), next, TimeUnit.NANOSECONDS);
        }
    }

    private void playerKeys(byte[] bytes) throws IOException {
        for (byte b : bytes) {
            switch (player.key(b)) {
                case STOP -> {
                    stopPlaying("stopped");
                    return;
                }
                case PAUSE -> timer.cancel(false);
                case PLAY_ON -> playOn();
                case NOTHING -> { }
            }
        }
    }

    /** The end of playing, also the session's; {@link #end} closes the player. */
    private void stopPlaying(String why) {
        farewell = "\r\n[yucon] " + why;
        finish(0);
    }

    private void closePlayer() {
        try {
            player.close();
        } catch (IOException e) {
            log.debug("a recording played to {} did not close: {}", account.name(), e.toString());
        }
    }

    private void startMenu() throws IOException {
        context.metrics().session(Metrics.SessionKind.MENU);
        if (!hasTerminal()) {
            say(err, "the menu needs a terminal: use ssh -t, or run a command such as 'help'");
            finish(2);
            return;
        }
        terminal = new SshTerminal(new KeyFeed(), out, columns(), rows(), client.utf8());
        showMenu();
    }

    private void typed(byte[] bytes) throws IOException {
        keepRights();
        if (!finished) {
            input(bytes);
        }
        channel.getLocalWindow().release(bytes.length);
    }

    /**
     * A step on MINA's thread: see {@link #data}. Once rights changed, keys take the step's way until the session has
     * decided them again.
     */
    private void typedHere(byte[] bytes) throws IOException {
        if (front == Front.CONSOLE && rightsSeen == rights.count() && console.offer(bytes)) {
            channel.getLocalWindow().release(bytes.length);
        } else {
            post(() -> typed(bytes));
        }
    }

    private void refresh() throws IOException {
        refreshQueued.set(false);
        if (front == Front.MENU) {
            menu.refresh();
        }
        scheduleRefresh();
    }

    /**
     * On the ticker's thread, which calls every menu in turn: what the menus show changed. An idle session whose
     * menu shows the list redraws right here, since that cannot block: a few rows from the ticker's facts, to a
     * client whose window has room for a whole frame. Handed to the pool as steps, a tick of 1,000 idle menus
     * would start a pool thread for nearly every one of them. Anything else is a refresh step like any other.
     */
    private void ticked() {
        if (!steps.runHereIfIdle(() -> run(this::tickedHere))) {
            requestRefresh();
        }
    }

    private void tickedHere() throws IOException {
        if (front == Front.MENU && menu.showsList() && roomForAFrame()) {
            menu.refresh();
        } else {
            requestRefresh();
        }
    }

    /** Whether the client's SSH window takes a whole frame, so that drawing one cannot wait for the client. */
    private boolean roomForAFrame() {
        TerminalSize size = terminal.size();
        return channel.getRemoteWindow().getSize() >= size.getRows() * (3L * size.getColumns() + 32);
    }

    /** Somebody changed this session's role on the console its {@code sink} belongs to (maybe one left since). */
    private void told(ViewerSink sink, RoleChange change) throws IOException {
        if (console != null && console.owns(sink)) {
            console.roleChanged(change, columns(), rows());
        }
    }

    /** Keys go to whatever has the screen. */
    private void input(byte[] bytes) throws IOException {
        switch (front) {
            case CONSOLE -> typeToConsole(bytes);
            case MENU -> menuKeys(bytes);
            case LOG -> pagerKeys(bytes);
            case PLAY -> playerKeys(bytes);
            case PEER -> peer.type(bytes);
        }
    }

    private void menuKeys(byte[] bytes) throws IOException {
        terminal.keys().add(bytes, 0, bytes.length);
        GuestMenu.Next next = menu.keys();
        if (menu.live() != everySecond) {
            everySecond = menu.live();
            scheduleRefresh();
        }
        if (next instanceof GuestMenu.Next.Quit && console == null) {
            finish(0);
        } else if (next instanceof GuestMenu.Next.Quit) {
            hideMenu();
            backToConsole();
        } else if (next instanceof GuestMenu.Next.Relay chosen) {
            relayTo(chosen);
        } else if (next instanceof GuestMenu.Next.Console chosen) {
            hideMenu();
            if (console != null && chosen.guest() != console.guest()) {
                leaveConsole();
            }
            if (console == null) {
                attach(chosen.guest(), terminal.keys().drain());
            } else {
                backToConsole();
            }
        }
    }

    private void pagerKeys(byte[] bytes) throws IOException {
        terminal.keys().add(bytes, 0, bytes.length);
        if (!pager.keys()) {
            closePager();
            backToConsole();
        }
    }

    /**
     * Decides this session's rights again if they may have changed since it last did: a removed account's session
     * ends, a console whose guest the login may no longer see is left, a viewer's right to write follows the
     * login's, and the menu shows the guests as they are now; each change is told.
     */
    private void keepRights() throws IOException {
        long now = rights.count();
        if (now == rightsSeen || finished) {
            return;
        }
        rightsSeen = now;
        if (access.account().isEmpty()) {
            closePager();
            finishBecause("the account " + access.login() + " was removed; this session ends");
            return;
        }
        ConsoleRight right = console == null ? ConsoleRight.NONE : actions.console(console.guest());
        if (console != null && right == ConsoleRight.NONE) {
            lostSight();
        } else if (console != null) {
            console.mayWrite(right == ConsoleRight.WRITE, access.login());
        }
        if (front == Front.MENU && menu != null) {
            menu.refresh();
        }
    }

    /** The login may no longer see the guest whose console it is on: it leaves, and the menu or the end says why. */
    private void lostSight() throws IOException {
        String why = access.login() + " may no longer see " + console.guest().name() + "; detached";
        closePager();
        leaveConsole();
        if (consoleOnly) {
            finishBecause(why);
            return;
        }
        if (front != Front.MENU) {
            showMenu();
        }
        menu.tell(why);
    }

    private void typeToConsole(byte[] bytes) throws IOException {
        int used = escape.feed(bytes, 0, bytes.length, consoleKeys);
        if (used < bytes.length && !finished) {
            input(Arrays.copyOfRange(bytes, used, bytes.length));
        }
    }

    /** True while keys typed go to the console; an escape command that changes that stops the key feed. */
    @Override
    public boolean onConsole() {
        return front == Front.CONSOLE && !finished;
    }

    private void attach(GuestSupervisor target, byte[] typedAhead) throws IOException {
        Recording recording = actions.record(target, "ssh channel " + channel.getChannelId());
        console = ConsoleAttachment.attach(actions, target, account.name() + "@" + from, "ssh", actions.console(target) == ConsoleRight.WRITE,
                new ChannelSink(out, () -> channel.getRemoteWindow().getSize(), PacketsInFlight.of(channel), recording),
                recording, escape, context.settings().console().replayLines(), (sink, change) -> post(() -> told(sink, change)));
        front = Front.CONSOLE;
        console.resize(columns(), rows());
        log.info("{} attached to the console of {}", account.name(), target.name());
        if (typedAhead.length > 0) {
            typeToConsole(typedAhead);
        }
    }

    /** {@code ^A d}: back to the menu, or the end of a session opened with the console verb. */
    @Override
    public void detach() throws IOException {
        leaveConsole();
        if (consoleOnly) {
            say(out, "\r\n[yucon] detached");
            finish(0);
        } else {
            showMenu();
        }
    }

    /** This session's way out of a console, whatever the reason; the viewer's own teardown hands write on. */
    private void leaveConsole() {
        console.leave();
        console = null;
    }

    /** Shows the menu, over the attached console if there is one (its output held meanwhile). */
    private void showMenu() throws IOException {
        if (menu == null) {
            menu = new GuestMenu(actions, context.menuTicker(), terminal, peerActions());
        }
        // Before the first frame: the first listener makes the ticker read fresh facts.
        ticks = context.menuTicker().subscribe(this::ticked);
        // Window changes while the console had the screen went to the guest only; the menu must learn the size too.
        terminal.resized(columns(), rows());
        front = Front.MENU;
        menu.show();
        scheduleRefresh();
    }

    private void hideMenu() throws IOException {
        ticks.close();
        ticks = null;
        menu.hide();
    }

    /** From the menu or the pager back to the attached console, which catches up on what it missed. */
    private void backToConsole() throws IOException {
        front = Front.CONSOLE;
        console.release(columns(), rows());
        byte[] rest = terminal.keys().drain();
        if (rest.length > 0) {
            typeToConsole(rest);
        }
    }

    /** {@code ps} and {@code top}: the menu's screen of that one guest, which ends the session when left. */
    private void processes(Verbs verbs, CommandLine command) throws IOException {
        Optional<GuestSupervisor> target = verbs.guest(command);
        if (target.isEmpty()) {
            finish(1);
        } else if (!hasTerminal()) {
            say(err, command.verb().word() + " needs a terminal: use ssh -t");
            finish(2);
        } else {
            startMenu();
            menu.showProcesses(target.get(), command.verb() == Verb.TOP);
            everySecond = menu.live();
            scheduleRefresh();
        }
    }

    /** An admin's menu in a fleet lists the other hosts' guests and acts on them there; a relayed session shows this host. */
    private PeerActions peerActions() {
        if (relayed || !context.fleet().isFleet() || !access.admin()) {
            return PeerActions.NONE;
        }
        return new PeerMenuActions(context, account.name(), from, answer -> post(() -> {
            if (front == Front.MENU) {
                menu.tell(answer);
            }
        }));
    }

    /** From the menu: the terminal goes to a verb on the host holding the chosen guest, and comes back when it ends. */
    private void relayTo(GuestMenu.Next.Relay chosen) throws IOException {
        hideMenu();
        if (console != null) {
            leaveConsole();
        }
        front = Front.PEER;
        PeerLink link = context.fleet().link(chosen.guest().host()).orElseThrow();
        peer = PeerTerminal.open(link, account.name(), from, chosen.verb(), client.term(), columns(), rows(), new PeerTerminal.Screen() {
            @Override
            public void show(PeerTerminal from, byte[] bytes, Runnable more) {
                post(() -> peerShows(from, bytes, more));
            }

            @Override
            public void ended(PeerTerminal from, String why) {
                post(() -> peerEnded(from, why));
            }
        });
    }

    private void peerShows(PeerTerminal from, byte[] bytes, Runnable more) throws IOException {
        if (from == peer) {
            out.write(bytes);
            out.flush();
            more.run();
        }
    }

    private void peerEnded(PeerTerminal from, String why) throws IOException {
        if (from == peer) {
            peer = null;
            showMenu();
            if (!why.isEmpty()) {
                menu.tell("Error: " + why);
            }
        }
    }

    /** The pager, if open, gives the screen back; the console it was over stays held. */
    private void closePager() throws IOException {
        if (pager != null) {
            pager.hide();
            pager = null;
            front = Front.CONSOLE;
        }
    }

    /** {@code ^A l}: the pager over the end of the guest's log; the console's output is held meanwhile. */
    @Override
    public void openLog() throws IOException {
        Optional<byte[]> log = actions.log(console.guest(), Integer.MAX_VALUE);
        if (log.isEmpty()) {
            // Rights changed since this key was read; the step that decides them again detaches.
            return;
        }
        pager = new LogPager(terminal, console.guest().name(), log.get());
        console.hold();
        terminal.resized(columns(), rows());
        front = Front.LOG;
        pager.show();
    }

    /** The client's address as host:port, without InetSocketAddress's slash. */
    static String address(SocketAddress address) {
        return address instanceof InetSocketAddress inet ? inet.getHostString() + ":" + inet.getPort() : String.valueOf(address);
    }

    /**
     * On MINA's I/O thread, after it stored the new size: at most one resize step waits, and it reads the size when it
     * runs, so the latest wins and a flood of window changes queues nothing more.
     */
    private void windowChanged() {
        if (resizeQueued.compareAndSet(false, true)) {
            post(this::resized);
        }
    }

    private void resized() throws IOException {
        resizeQueued.set(false);
        switch (front) {
            case CONSOLE -> console.resize(columns(), rows());
            case MENU -> menu.resized(columns(), rows());
            case LOG -> pager.resized(columns(), rows());
            case PEER -> peer.resize(columns(), rows());
        }
    }

    /** top is redrawn a second after its last frame; the rest of the menu only when the ticker says so. */
    private void scheduleRefresh() {
        if (timer != null) {
            timer.cancel(false);
        }
        boolean top = everySecond && front == Front.MENU;
        timer = top ? context.scheduler().schedule(this::requestRefresh, 1, TimeUnit.SECONDS) : null;
    }

    private void requestRefresh() {
        if (refreshQueued.compareAndSet(false, true)) {
            post(this::refresh);
        }
    }

    private boolean hasTerminal() {
        return client.hasTerminal();
    }

    @Override
    public int columns() {
        return client.columns();
    }

    @Override
    public int rows() {
        return client.rows();
    }

    @Override
    public ConsoleAttachment console() {
        return console;
    }

    /** {@code ^A m}: the menu over the console, which {@link ConsoleKeys} has held. */
    @Override
    public void menu() throws IOException {
        showMenu();
    }

    private void say(OutputStream stream, String line) {
        try {
            stream.write((line + (hasTerminal() ? "\r\n" : "\n")).getBytes(StandardCharsets.UTF_8));
            stream.flush();
        } catch (IOException e) {
            log.debug("could not tell {}: {}", account.name(), e.toString());
        }
    }
}
