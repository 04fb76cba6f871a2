package org.yucon.web;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.config.AccessChanges;
import org.yucon.console.EscapeKeys;
import org.yucon.console.RoleChange;
import org.yucon.control.ConsoleAttachment;
import org.yucon.control.ConsoleKeys;
import org.yucon.control.ConsoleRight;
import org.yucon.control.GuestActions;
import org.yucon.control.ViewerSink;
import org.yucon.guest.GuestSupervisor;
import org.yucon.recording.Recording;
import org.yucon.util.SerialExecutor;

/**
 * One browser tab's console: a second thin front over {@link ConsoleAttachment} and {@link ConsoleKeys}, as the SSH
 * session is one, over one WebSocket ({@link ConsoleProtocol}). Everything but acknowledgements and pause runs as a
 * step on a {@link SerialExecutor} over the gateway's pool, one at a time; the socket is asked for the next frame
 * only once a step handled the last, so a paste goes to the guest no faster than the guest takes it, as over SSH.
 *
 * <p>The menu and the log pager of the SSH front are the page itself here: {@code ^A m} and {@code ^A d} go back to
 * the page, {@code ^A l} says where the log is. Public only because Jetty calls the listener through method handles.
 */
public final class WebConsole implements Session.Listener, ConsoleKeys.Front {
    private static final Logger log = LoggerFactory.getLogger(WebConsole.class);

    private final WebContext context;
    private final WebSession login;
    private final GuestActions actions;
    private final GuestSupervisor guest;
    private final EscapeKeys escape;
    private final ConsoleKeys keys;
    private final SerialExecutor steps;
    private final AccessChanges rights;
    private final Runnable rightsChanged = () -> post(this::keepRights);

    /** Set once by onWebSocketOpen, before the first step. */
    private Session socket;
    /** Set once by the attach step, before the socket is asked for its first frame; read on Jetty's threads. */
    private volatile SocketSink sink;

    // Owned by the steps.
    private ConsoleAttachment console;
    private int columns = 80;
    private int rows = 24;

    WebConsole(WebContext context, WebSession login, GuestActions actions, GuestSupervisor guest, byte escapeKey) {
        this.context = context;
        this.login = login;
        this.actions = actions;
        this.guest = guest;
        this.escape = new EscapeKeys(escapeKey);
        this.keys = new ConsoleKeys(escape, this);
        this.steps = new SerialExecutor(context.pool());
        this.rights = context.accounts().changes();
    }

    @Override
    public void onWebSocketOpen(Session session) {
        socket = session;
        rights.listen(rightsChanged);
        post(this::attach);
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
        if (!payload.hasRemaining()) {
            callback.succeed();
            socket.demand();
            return;
        }
        byte type = payload.get();
        byte[] rest = new byte[payload.remaining()];
        payload.get(rest);
        callback.succeed();
        switch (type) {
            case ConsoleProtocol.ACK -> ack(rest);
            case ConsoleProtocol.PAUSE -> sink.pause();
            case ConsoleProtocol.CONTINUE -> sink.resume();
            default -> {
                post(() -> received(type, rest));
                return;
            }
        }
        socket.demand();
    }

    @Override
    public void onWebSocketText(String text) {
        post(() -> leave("the console takes binary frames only"));
    }

    @Override
    public void onWebSocketClose(int status, String reason) {
        rights.unlisten(rightsChanged);
        post(() -> {
            if (sink != null) {
                sink.close();
            }
            if (console != null) {
                leaveConsole();
            }
        });
    }

    /** A socket that failed is closed next ({@link #onWebSocketClose}), which detaches. */
    @Override
    public void onWebSocketError(Throwable cause) {
        log.debug("web console of {} for {}: {}", guest.name(), login.login(), cause.toString());
    }

    private void ack(byte[] rest) {
        if (rest.length == 4) {
            sink.acknowledged(ByteBuffer.wrap(rest).getInt() & 0xffffffffL);
        }
    }

    /** A step: one frame from the page, after which the page may send the next. */
    private void received(byte type, byte[] rest) throws IOException {
        if (console != null) {
            switch (type) {
                case ConsoleProtocol.INPUT -> type(rest);
                case ConsoleProtocol.SIZE -> resize(rest);
                case ConsoleProtocol.COMMAND -> command(rest);
                default -> console.tell("the page sent a frame this gateway does not know; reload the page");
            }
        }
        if (socket.isOpen()) {
            socket.demand();
        }
    }

    private void attach() throws IOException {
        ConsoleRight right = actions.console(guest);
        if (right == ConsoleRight.NONE) {
            leave(login.login() + " may not watch the console of " + guest.name());
            return;
        }
        Recording recording = actions.record(guest, "web " + address());
        sink = SocketSink.of(socket, recording);
        console = ConsoleAttachment.attach(actions, guest, login.login() + "@" + address(), "web",
                right == ConsoleRight.WRITE, sink, recording, escape, context.settings().console().replayLines(),
                (changed, change) -> post(() -> told(changed, change)));
        log.info("{} attached to the console of {} from the web page", login.login(), guest.name());
        socket.demand();
    }

    /** The page's address as host:port, as the SSH front names its viewers. */
    private String address() {
        SocketAddress address = socket.getRemoteSocketAddress();
        return address instanceof InetSocketAddress inet ? inet.getHostString() + ":" + inet.getPort() : String.valueOf(address);
    }

    private void type(byte[] bytes) throws IOException {
        escape.feed(bytes, 0, bytes.length, keys);
    }

    private void resize(byte[] size) throws IOException {
        if (size.length != 4) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(size);
        int c = b.getShort() & 0xffff;
        int r = b.getShort() & 0xffff;
        if (c < 1 || r < 1 || c > 1000 || r > 1000) {
            console.tell("the page sent a terminal size out of range: " + c + "x" + r);
            return;
        }
        columns = c;
        rows = r;
        console.resize(columns, rows);
    }

    /** A button of the page: the same escape command as its keys, through the same parser. */
    private void command(byte[] key) throws IOException {
        byte[] typed = new byte[1 + key.length];
        typed[0] = escape.prefix();
        System.arraycopy(key, 0, typed, 1, key.length);
        if (key.length == 1 || key.length == 2 && key[0] == 'b') {
            type(typed);
        } else {
            console.tell("the page sent an escape command this gateway does not know: " + Arrays.toString(key));
        }
    }

    private void told(ViewerSink changed, RoleChange change) throws IOException {
        if (console != null && console.owns(changed)) {
            console.roleChanged(change, columns, rows);
        }
    }

    /** Rights changed: decided again, as over SSH; a login that may no longer watch goes back to the page. */
    private void keepRights() throws IOException {
        if (console == null) {
            return;
        }
        ConsoleRight right = actions.access().account().isEmpty() ? ConsoleRight.NONE : actions.console(guest);
        if (right == ConsoleRight.NONE) {
            leave(login.login() + " may no longer see " + guest.name() + "; detached");
        } else {
            console.mayWrite(right == ConsoleRight.WRITE, login.login());
        }
    }

    /** Back to the page, which says why. */
    private void leave(String why) {
        if (console != null) {
            leaveConsole();
        }
        byte[] text = why.getBytes(StandardCharsets.UTF_8);
        // After everything sent before it: Jetty sends a socket's frames in order.
        socket.sendBinary(ConsoleProtocol.frame(ConsoleProtocol.DETACHED, text, text.length), Callback.NOOP);
        socket.close();
    }

    private void leaveConsole() {
        console.leave();
        console = null;
    }

    private void post(Step step) {
        try {
            steps.execute(() -> {
                try {
                    step.run();
                } catch (IOException | RuntimeException e) {
                    log.debug("web console of {} for {} ended: {}", guest.name(), login.login(), e.toString());
                    if (console != null) {
                        leaveConsole();
                    }
                    socket.close();
                }
            });
        } catch (RejectedExecutionException e) {
            socket.close();
        }
    }

    @FunctionalInterface
    private interface Step {
        void run() throws IOException;
    }

    @Override
    public ConsoleAttachment console() {
        return console;
    }

    @Override
    public int columns() {
        return columns;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public void detach() {
        leave("detached");
    }

    @Override
    public void openLog() throws IOException {
        console.tell("the log is on the page: its Log button, beside Console");
    }

    /** {@code ^A m}: the page is the web's menu; {@link ConsoleKeys} held the console, which is left. */
    @Override
    public void menu() {
        leave("detached");
    }

    @Override
    public boolean onConsole() {
        return console != null;
    }
}
