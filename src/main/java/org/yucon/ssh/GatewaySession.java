package org.yucon.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
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
import org.yucon.console.ConsoleViewer;
import org.yucon.console.EscapeCommand;
import org.yucon.console.EscapeKeys;
import org.yucon.guest.GuestSupervisor;
import org.yucon.guest.Guests;
import org.yucon.tui.GuestMenu;
import org.yucon.tui.KeyFeed;
import org.yucon.tui.SshTerminal;

/**
 * One SSH session channel: the menu, a console, or one exec verb.
 *
 * <p>Like a tmux client, everything the session does happens on its own thread, which sleeps on an event queue:
 * input (handed over by MINA's I/O thread, which never blocks here), window changes, and refresh requests.
 * Input is taken from the client's window only once handled, so a fast typist or a paste cannot make this
 * queue grow beyond the SSH window.
 */
final class GatewaySession implements Command, ChannelSessionAware, ChannelDataReceiver {
    private static final Logger log = LoggerFactory.getLogger(GatewaySession.class);
    private static final long REFRESH_SECONDS = 5;

    private sealed interface Event permits Input, Resize, Refresh, End {
    }

    private record Input(byte[] bytes) implements Event {
    }

    private record Resize() implements Event {
    }

    private record Refresh() implements Event {
    }

    private record End() implements Event {
    }

    private final GatewayContext context;
    private final AccountConfig account;
    private final Optional<String> commandLine;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final AtomicBoolean refreshQueued = new AtomicBoolean();

    // Set once by MINA before start().
    private ChannelSession channel;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback onExit;
    private Environment environment;

    // Owned by the session thread.
    private SshTerminal terminal;
    private GuestMenu menu;
    private ConsoleViewer viewer;
    private ChannelSink sink;
    private EscapeKeys escape;
    private boolean consoleOnly;
    private boolean finished;

    GatewaySession(GatewayContext context, AccountConfig account, Optional<String> commandLine) {
        this.context = context;
        this.account = account;
        this.commandLine = commandLine;
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
            if (viewer != null) {
                viewer.detach();
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
        Optional<GuestSupervisor> guest = verbs.guest(command);
        if (guest.isEmpty()) {
            return 1;
        }
        if (!hasTerminal()) {
            say(err, "the console needs a terminal: use ssh -t");
            return 2;
        }
        consoleOnly = true;
        attach(guest.get(), new byte[0]);
        return loop();
    }

    private int menu() throws IOException, InterruptedException {
        if (!hasTerminal()) {
            say(err, "the menu needs a terminal: use ssh -t, or run a command such as 'help'");
            return 2;
        }
        terminal = new SshTerminal(new KeyFeed(), out, columns(), rows());
        menu = new GuestMenu(account.name(), account.admin(), context.visibleTo(account), terminal);
        menu.show();
        ScheduledFuture<?> timer = context.scheduler().scheduleAtFixedRate(
                this::requestRefresh, REFRESH_SECONDS, REFRESH_SECONDS, TimeUnit.SECONDS);
        try (Guests.Subscription subscription = context.guests().subscribe(this::requestRefresh)) {
            return loop();
        } finally {
            timer.cancel(false);
        }
    }

    private int loop() throws IOException, InterruptedException {
        while (!finished) {
            Event event = events.take();
            if (event instanceof Input) {
                byte[] bytes = ((Input) event).bytes();
                input(bytes);
                channel.getLocalWindow().release(bytes.length);
            } else if (event instanceof Resize) {
                resized();
            } else if (event instanceof Refresh) {
                refreshQueued.set(false);
                if (viewer == null && menu != null) {
                    menu.refresh();
                }
            } else {
                finished = true;
            }
        }
        if (menu != null && viewer == null) {
            menu.hide();
        }
        return 0;
    }

    private void input(byte[] bytes) throws IOException {
        if (viewer != null) {
            typeToConsole(bytes);
            return;
        }
        terminal.keys().add(bytes, 0, bytes.length);
        GuestMenu.Next next = menu.keys();
        if (next instanceof GuestMenu.Next.Quit) {
            finished = true;
        } else if (next instanceof GuestMenu.Next.Console) {
            menu.hide();
            attach(((GuestMenu.Next.Console) next).guest(), terminal.keys().drain());
        }
    }

    private void typeToConsole(byte[] bytes) throws IOException {
        AtomicBoolean leave = new AtomicBoolean();
        int used = escape.feed(bytes, 0, bytes.length, new EscapeKeys.Handler() {
            @Override
            public void forward(byte[] b, int offset, int length) {
                try {
                    viewer.type(b, offset, length);
                } catch (IOException e) {
                    tell("the guest's console did not take input: " + e.getMessage());
                }
            }

            @Override
            public boolean command(EscapeCommand command) {
                if (command == EscapeCommand.DETACH) {
                    leave.set(true);
                    return false;
                }
                tell(escape.help());
                return true;
            }

            @Override
            public void unbound(byte key) {
                tell("that key is not bound after the escape key; " + escape.help());
            }
        });
        if (leave.get()) {
            detach(Arrays.copyOfRange(bytes, used, bytes.length));
        }
    }

    private void attach(GuestSupervisor guest, byte[] typedAhead) throws IOException {
        escape = new EscapeKeys(context.settings().console().escapeKey());
        say(out, "[yucon] console of " + guest.name() + " (" + guest.status().state().label().toLowerCase() + "); "
                + escape.help());
        sink = new ChannelSink(out);
        viewer = guest.console().attach(account.name() + "@" + channel.getSession().getClientAddress(), sink, true);
        if (!viewer.isWriter()) {
            tell("read-only: somebody else is typing on this console");
        }
        viewer.resize(columns(), rows());
        log.info("{} attached to the console of {}", account.name(), guest.name());
        if (typedAhead.length > 0) {
            typeToConsole(typedAhead);
        }
    }

    private void detach(byte[] rest) throws IOException {
        viewer.detach();
        viewer = null;
        if (consoleOnly) {
            say(out, "\r\n[yucon] detached");
            finished = true;
            return;
        }
        // Window changes while the console had the screen went to the guest only; the menu must learn the size too.
        terminal.resized(columns(), rows());
        menu.show();
        if (rest.length > 0) {
            input(rest);
        }
    }

    /** A line for this viewer only, between the guest's output; a viewer gone meanwhile is detached. */
    private void tell(String line) {
        try {
            sink.tell(line);
        } catch (IOException e) {
            viewer.detach();
        }
    }

    private void resized() throws IOException {
        if (viewer != null) {
            viewer.resize(columns(), rows());
        } else if (menu != null) {
            menu.resized(columns(), rows());
        }
    }

    private void requestRefresh() {
        if (refreshQueued.compareAndSet(false, true)) {
            events.offer(new Refresh());
        }
    }

    private boolean hasTerminal() {
        return environment.getEnv().containsKey(Environment.ENV_TERM) && !environment.getPtyModes().isEmpty();
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
