package org.yucon.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
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
import org.yucon.config.AccountConfig;
import org.yucon.console.EscapeCommand;
import org.yucon.console.EscapeKeys;
import org.yucon.console.RoleChange;
import org.yucon.guest.GuestSupervisor;
import org.yucon.guest.Guests;
import org.yucon.tui.GuestMenu;
import org.yucon.tui.KeyFeed;
import org.yucon.tui.LogPager;
import org.yucon.tui.SshTerminal;

/**
 * One SSH session channel: the menu, a console, or one exec verb.
 *
 * <p>Like a tmux client, everything the session does happens on its own thread, which sleeps on an event queue:
 * input (handed over by MINA's I/O thread, which never blocks here), window changes, and refresh requests.
 * Input is taken from the client's window only once handled, so a fast typist or a paste cannot make this
 * queue grow beyond the SSH window. What other viewers do to this one's role on a console (force, promotion)
 * arrives on their threads and is queued here too.
 *
 * <p>On a console, the escape keys ({@link EscapeKeys}) run conserver's commands. The menu and the log pager can
 * be shown over an attached console: the viewer stays attached, with its role, while its output is held and
 * caught up afterwards.
 */
final class GatewaySession implements Command, ChannelSessionAware, ChannelDataReceiver {
    private static final Logger log = LoggerFactory.getLogger(GatewaySession.class);
    private static final long REFRESH_SECONDS = 5;

    private sealed interface Event permits Input, Resize, Refresh, Told, End {
    }

    private record Input(byte[] bytes) implements Event {
    }

    private record Resize() implements Event {
    }

    private record Refresh() implements Event {
    }

    /** Somebody changed this session's role on the console its {@code sink} belongs to (maybe one left since). */
    private record Told(ChannelSink sink, RoleChange change) implements Event {
    }

    private record End() implements Event {
    }

    /** What has the screen and the keyboard. */
    private enum Front { MENU, CONSOLE, LOG }

    private final GatewayContext context;
    private final AccountConfig account;
    private final Optional<String> commandLine;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final AtomicBoolean refreshQueued = new AtomicBoolean();
    /** The escape key parser; its state (a prefix pending) belongs to the session thread. */
    private final EscapeKeys escape;
    private final ConsoleKeys consoleKeys = new ConsoleKeys();

    // Set once by MINA before start().
    private ChannelSession channel;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback onExit;
    private Environment environment;

    // Owned by the session thread.
    private SshTerminal terminal;
    /** Made when first shown. */
    private GuestMenu menu;
    /** Open while front is LOG. */
    private LogPager pager;
    private Front front = Front.MENU;
    /** The next timed redraw; one wake-up per refresh, none in between. */
    private ScheduledFuture<?> timer;
    /** top is shown and wants a frame every second. */
    private boolean everySecond;
    /** The attached console, or null. */
    private ConsoleAttachment console;
    private boolean consoleOnly;
    private boolean finished;

    GatewaySession(GatewayContext context, AccountConfig account, Optional<String> commandLine) {
        this.context = context;
        this.account = account;
        this.commandLine = commandLine;
        this.escape = new EscapeKeys(account.escapeKey());
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
        this.environment = env;
        env.addSignalListener((ch, signal) -> events.offer(new Resize()), Signal.WINCH);
        Thread thread = new Thread(this::run, "session-" + account.name() + "-" + session.getSession().getIoSession().getId());
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void destroy(ChannelSession session) {
        events.offer(new End());
    }

    /** On MINA's I/O thread: hand over and return at once; the window is released once the bytes are handled. */
    @Override
    public int data(ChannelSession session, byte[] buf, int start, int len) {
        events.offer(new Input(Arrays.copyOfRange(buf, start, start + len)));
        return 0;
    }

    /** The client sent EOF. */
    @Override
    public void close() {
        events.offer(new End());
    }

    private void run() {
        int status = 1;
        try {
            status = commandLine.isPresent() ? exec(commandLine.get()) : menu();
        } catch (IOException e) {
            log.debug("session of {} ended: {}", account.name(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("session of {} failed", account.name(), e);
            say(err, "internal error: " + e.getClass().getSimpleName() + "; see the gateway's log");
        } finally {
            if (console != null) {
                leaveConsole();
            }
        }
        onExit.onExit(status);
    }

    private int exec(String line) throws IOException, InterruptedException {
        CommandLine command;
        try {
            command = CommandLine.parse(line);
        } catch (IllegalArgumentException e) {
            say(err, e.getMessage());
            return 2;
        }
        log.info("{} runs: {}", account.name(), line);
        Verbs verbs = new Verbs(context, account, String.valueOf(channel.getSession().getClientAddress()), out, err);
        if (command.verb() != Verb.CONSOLE) {
            return verbs.run(command);
        }
        Optional<GuestSupervisor> target = verbs.guest(command);
        if (target.isEmpty()) {
            return 1;
        }
        if (!hasTerminal()) {
            say(err, "the console needs a terminal: use ssh -t");
            return 2;
        }
        consoleOnly = true;
        terminal = new SshTerminal(new KeyFeed(), out, columns(), rows(), utf8());
        attach(target.get(), new byte[0]);
        return loop();
    }

    private int menu() throws IOException, InterruptedException {
        if (!hasTerminal()) {
            say(err, "the menu needs a terminal: use ssh -t, or run a command such as 'help'");
            return 2;
        }
        terminal = new SshTerminal(new KeyFeed(), out, columns(), rows(), utf8());
        showMenu();
        return loop();
    }

    private int loop() throws IOException, InterruptedException {
        try (Guests.Subscription subscription = context.guests().subscribe(this::requestRefresh)) {
            scheduleRefresh();
            while (!finished) {
                handle(events.take());
            }
        } finally {
            if (timer != null) {
                timer.cancel(false);
            }
        }
        if (front == Front.MENU) {
            menu.hide();
        }
        return 0;
    }

    private void handle(Event event) throws IOException {
        if (event instanceof Input input) {
            input(input.bytes());
            channel.getLocalWindow().release(input.bytes().length);
        } else if (event instanceof Resize) {
            resized();
        } else if (event instanceof Refresh) {
            refreshQueued.set(false);
            if (front == Front.MENU) {
                menu.refresh();
            }
            scheduleRefresh();
        } else if (event instanceof Told told) {
            if (console != null && console.owns(told.sink())) {
                console.roleChanged(told.change(), columns(), rows());
            }
        } else {
            finished = true;
        }
    }

    /** Keys go to whatever has the screen. */
    private void input(byte[] bytes) throws IOException {
        switch (front) {
            case CONSOLE -> typeToConsole(bytes);
            case MENU -> menuKeys(bytes);
            case LOG -> pagerKeys(bytes);
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
            finished = true;
        } else if (next instanceof GuestMenu.Next.Quit) {
            menu.hide();
            backToConsole();
        } else if (next instanceof GuestMenu.Next.Console chosen) {
            menu.hide();
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
            pager.hide();
            pager = null;
            backToConsole();
        }
    }

    private void typeToConsole(byte[] bytes) throws IOException {
        int used = escape.feed(bytes, 0, bytes.length, consoleKeys);
        if (used < bytes.length && !finished) {
            input(Arrays.copyOfRange(bytes, used, bytes.length));
        }
    }

    /** True while keys typed go to the console; an escape command that changes that stops the key feed. */
    private boolean onConsole() {
        return front == Front.CONSOLE && !finished;
    }

    /** The console's share of the keys: bytes for the guest, and the escape commands. */
    private final class ConsoleKeys implements EscapeKeys.Handler {
        @Override
        public void forward(byte[] bytes, int offset, int length) throws IOException {
            console.type(bytes, offset, length);
        }

        @Override
        public boolean command(EscapeCommand command) throws IOException {
            switch (command) {
                case DETACH -> detach();
                case HELP -> console.tell(escape.help().toArray(new String[0]));
                case WHO -> console.who();
                case ASK_WRITE -> console.askForWriteOrSendPrefix(columns(), rows());
                case FORCE_WRITE -> console.forceWrite(columns(), rows());
                case GIVE_UP_WRITE -> console.giveUpWrite();
                case REPLAY -> console.replay();
                case LOG -> openLog();
                case MENU -> {
                    console.hold();
                    showMenu();
                }
                case SYSRQ -> throw new IllegalStateException("SysRq comes with its key, through sysrq()");
            }
            return onConsole();
        }

        @Override
        public void sysrq(byte key) throws IOException {
            console.sysrq((char) key);
        }

        @Override
        public void unbound(byte key) throws IOException {
            console.tell("that key is not bound after " + escape.prefixName() + ": " + escape.hint());
        }
    }

    private void attach(GuestSupervisor target, byte[] typedAhead) throws IOException {
        console = ConsoleAttachment.attach(target, account.name() + "@" + address(), new Access(account).drives(target),
                new ChannelSink(out, () -> channel.getRemoteWindow().getSize()), escape,
                context.settings().console().replayLines(), (sink, change) -> events.offer(new Told(sink, change)));
        front = Front.CONSOLE;
        console.resize(columns(), rows());
        log.info("{} attached to the console of {}", account.name(), target.name());
        if (typedAhead.length > 0) {
            typeToConsole(typedAhead);
        }
    }

    /** {@code ^A d}: back to the menu, or the end of a session opened with the console verb. */
    private void detach() throws IOException {
        leaveConsole();
        if (consoleOnly) {
            say(out, "\r\n[yucon] detached");
            finished = true;
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
            menu = new GuestMenu(account.name(), account.admin(), () -> context.visibleTo(account), new Access(account)::drives, terminal);
        }
        // Window changes while the console had the screen went to the guest only; the menu must learn the size too.
        terminal.resized(columns(), rows());
        front = Front.MENU;
        menu.show();
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

    /** {@code ^A l}: the pager over the end of the guest's log; the console's output is held meanwhile. */
    private void openLog() throws IOException {
        String name = console.guest().name();
        Path file = context.settings().stateDir().resolve("logs").resolve(name + ".log");
        pager = new LogPager(terminal, name, LogTail.lastLines(file, Integer.MAX_VALUE));
        console.hold();
        terminal.resized(columns(), rows());
        front = Front.LOG;
        pager.show();
    }

    /** The client's address as host:port, without InetSocketAddress's slash. */
    private String address() {
        SocketAddress address = channel.getSession().getClientAddress();
        return address instanceof InetSocketAddress inet ? inet.getHostString() + ":" + inet.getPort() : String.valueOf(address);
    }

    private void resized() throws IOException {
        switch (front) {
            case CONSOLE -> console.resize(columns(), rows());
            case MENU -> menu.resized(columns(), rows());
            case LOG -> pager.resized(columns(), rows());
        }
    }

    /**
     * The menu is redrawn {@value #REFRESH_SECONDS} s after its last redraw (timed or because a guest changed), top
     * every second; the scheduler wakes for nothing in between.
     */
    private void scheduleRefresh() {
        if (timer != null) {
            timer.cancel(false);
        }
        timer = context.scheduler().schedule(this::requestRefresh, everySecond ? 1 : REFRESH_SECONDS, TimeUnit.SECONDS);
    }

    private void requestRefresh() {
        if (refreshQueued.compareAndSet(false, true)) {
            events.offer(new Refresh());
        }
    }

    private boolean hasTerminal() {
        return environment.getEnv().containsKey(Environment.ENV_TERM) && !environment.getPtyModes().isEmpty();
    }

    /**
     * Whether the client's locale is UTF-8: the first of LC_ALL, LC_CTYPE and LANG that it sent decides. A client
     * that sends none gets UTF-8, as nearly every terminal today expects.
     */
    private boolean utf8() {
        for (String name : List.of("LC_ALL", "LC_CTYPE", "LANG")) {
            String value = environment.getEnv().getOrDefault(name, "");
            if (!value.isEmpty()) {
                String upper = value.toUpperCase(Locale.ROOT);
                return upper.contains("UTF-8") || upper.contains("UTF8");
            }
        }
        return true;
    }

    private int columns() {
        return dimension(Environment.ENV_COLUMNS, 80);
    }

    private int rows() {
        return dimension(Environment.ENV_LINES, 24);
    }

    private int dimension(String key, int fallback) {
        try {
            int n = Integer.parseInt(environment.getEnv().getOrDefault(key, ""));
            return n >= 10 && n <= 1000 ? n : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
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
