package org.yucon.ssh;

import com.googlecode.lanterna.TerminalSize;
import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.yucon.control.GuestActions;
import org.yucon.guest.GuestSupervisor;
import org.yucon.guest.Guests;
import org.yucon.tui.GuestMenu;
import org.yucon.tui.MenuTicker;
import org.yucon.tui.PeerActions;
import org.yucon.tui.SshTerminal;

/**
 * The guest menu as a session's screen: its keys, and its redraws when what it shows changed (the menus' shared
 * ticker says so) or, while top is shown, a second after its last frame. What a key chooses beyond the menu (the
 * console, a verb on a peer, quitting) is the session's {@link Screens}'. Owned by the session's steps; the ticker
 * and the scheduler only hand their events over.
 */
final class MenuScreen implements Screen {
    /** What the session does when a key chose something other than staying in the menu. */
    @FunctionalInterface
    interface Choice {
        void chosen(GuestMenu.Next next) throws IOException;
    }

    private final SessionLoop session;
    private final GuestMenu menu;
    private final MenuTicker ticker;
    private final ScheduledExecutorService scheduler;
    private final SshTerminal terminal;
    private final Choice choice;
    /** A refresh step is queued and has not run yet: set by whoever asks (any thread), cleared by that step. */
    private final AtomicBoolean refreshQueued = new AtomicBoolean();

    // Owned by the session's steps.
    /** The menus' shared ticks, while the menu is shown. */
    private Guests.Subscription ticks;
    /** top's next redraw, or null. */
    private ScheduledFuture<?> timer;
    /** top is shown and wants a frame every second. */
    private boolean everySecond;
    private boolean shown;

    MenuScreen(SessionLoop session, GuestActions actions, GatewayContext context, SshTerminal terminal, PeerActions peers,
               Choice choice) {
        this.session = session;
        this.menu = new GuestMenu(actions, context.menuTicker(), terminal, peers);
        this.ticker = context.menuTicker();
        this.scheduler = context.scheduler();
        this.terminal = terminal;
        this.choice = choice;
    }

    /** Takes the screen, over the attached console if there is one. */
    void show() throws IOException {
        // Before the first frame: the first listener makes the ticker read fresh facts.
        ticks = ticker.subscribe(this::ticked);
        // Window changes while the console had the screen went to the guest only; the menu must learn the size too.
        terminal.resized(session.channel().columns(), session.channel().rows());
        shown = true;
        menu.show();
        scheduleRefresh();
    }

    /** {@code ps} and {@code top}: the processes of {@code guest} alone, once shown; leaving them quits the menu. */
    void showProcesses(GuestSupervisor guest, boolean top) throws IOException {
        menu.showProcesses(guest, top);
        everySecond = menu.live();
        scheduleRefresh();
    }

    /** Gives the screen back, e.g. before the console takes it. */
    void hide() throws IOException {
        ticks.close();
        ticks = null;
        shown = false;
        menu.hide();
    }

    /** Shows {@code line} on the status line, e.g. why the console was left. */
    void tell(String line) throws IOException {
        menu.tell(line);
    }

    /** Redraws what changed since the last frame; sends nothing if nothing did. */
    void refresh() throws IOException {
        menu.refresh();
    }

    @Override
    public void keys(byte[] bytes) throws IOException {
        terminal.keys().add(bytes, 0, bytes.length);
        GuestMenu.Next next = menu.keys();
        if (menu.live() != everySecond) {
            everySecond = menu.live();
            scheduleRefresh();
        }
        if (!(next instanceof GuestMenu.Next.Stay)) {
            choice.chosen(next);
        }
    }

    @Override
    public void resized() throws IOException {
        menu.resized(session.channel().columns(), session.channel().rows());
    }

    @Override
    public void finishing() throws IOException {
        hide();
    }

    @Override
    public void close() {
        if (ticks != null) {
            ticks.close();
        }
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /**
     * On the ticker's thread, which calls every menu in turn: what the menus show changed. An idle session whose
     * menu shows the list redraws right here, since that cannot block: a few rows from the ticker's facts, to a
     * client whose window has room for a whole frame. Handed to the pool as steps, a tick of 1,000 idle menus
     * would start a pool thread for nearly every one of them. Anything else is a refresh step like any other.
     */
    private void ticked() {
        if (!session.runHereIfIdle(this::tickedHere)) {
            requestRefresh();
        }
    }

    private void tickedHere() throws IOException {
        if (shown && menu.showsList() && roomForAFrame()) {
            menu.refresh();
        } else {
            requestRefresh();
        }
    }

    /** Whether the client's SSH window takes a whole frame, so that drawing one cannot wait for the client. */
    private boolean roomForAFrame() {
        TerminalSize size = terminal.size();
        return session.channel().room() >= size.getRows() * (3L * size.getColumns() + 32);
    }

    private void requestRefresh() {
        if (refreshQueued.compareAndSet(false, true)) {
            session.post(this::refreshStep);
        }
    }

    private void refreshStep() throws IOException {
        refreshQueued.set(false);
        if (shown) {
            menu.refresh();
        }
        scheduleRefresh();
    }

    /** top is redrawn a second after its last frame; the rest of the menu only when the ticker says so. */
    private void scheduleRefresh() {
        if (timer != null) {
            timer.cancel(false);
        }
        boolean top = everySecond && shown;
        timer = top ? scheduler.schedule(this::requestRefresh, 1, TimeUnit.SECONDS) : null;
    }
}
