package org.yucon.ssh;

import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.console.EscapeKeys;
import org.yucon.console.RoleChange;
import org.yucon.control.ConsoleRight;
import org.yucon.control.GuestActions;
import org.yucon.control.ViewerSink;
import org.yucon.fleet.PeerLink;
import org.yucon.guest.GuestSupervisor;
import org.yucon.tui.GuestMenu;
import org.yucon.tui.PeerActions;
import org.yucon.tui.SshTerminal;

/**
 * The screens of a session with a terminal, and how the terminal passes between them: the menu
 * ({@link MenuScreen}), an attached console ({@link ConsoleScreen}), the log pager over it ({@link PagerScreen}), and
 * a verb on a peer chosen in an admin's menu ({@link PeerScreen}). The menu and the pager can be shown over an
 * attached console: the viewer stays attached, with its role, while its output is held and caught up afterwards. A
 * session opened with the console verb has no menu: leaving the console ends it; one opened with ps or top has the
 * menu's processes screen alone. Owned by the session's steps, as every screen.
 */
final class Screens implements Screen, ConsoleScreen.Elsewhere {
    private static final Logger log = LoggerFactory.getLogger(Screens.class);

    private final SessionLoop session;
    private final GatewayContext context;
    /** What the login does with its guests, whichever way it asks. */
    private final GuestActions actions;
    private final SshTerminal terminal;
    /** The escape key parser; its state (a prefix pending) belongs to the session's steps. */
    private final EscapeKeys escape;
    /** Where the person came from, as logs and viewer lists name them (with the entry host if relayed). */
    private final String from;
    /** The viewer as other viewers and logs name it: account@address. */
    private final String viewer;
    /** Opened with the console verb: no menu, and leaving the console ends the session. */
    private final boolean consoleOnly;
    /** What the menu does with other hosts' guests: nothing, unless an admin's menu in a fleet shows them. */
    private final PeerActions peers;

    // Owned by the session's steps.
    /** Made when first shown. */
    private MenuScreen menu;
    /** The attached console, or null; the menu or the pager may be over it. */
    private ConsoleScreen console;
    /** What has the screen and the keyboard: the menu, the console, a pager or a verb on a peer. */
    private Screen front = Screen.NONE;

    private Screens(SessionLoop session, GatewayContext context, GuestActions actions, EscapeKeys escape, String from,
                    boolean consoleOnly, boolean peersShown) {
        this.session = session;
        this.context = context;
        this.actions = actions;
        this.terminal = session.channel().terminal();
        this.escape = escape;
        this.from = from;
        this.viewer = actions.access().login() + "@" + from;
        this.consoleOnly = consoleOnly;
        // The verbs on peers run on the session pool; their answers come back as steps.
        this.peers = peersShown
                ? new PeerMenuActions(context, actions.access().login(), from, answer -> session.post(() -> peerAnswered(answer)))
                : PeerActions.NONE;
    }

    /**
     * The menu, from which the viewer may attach to consoles and come back; {@code peersShown}: it also lists the
     * fleet's other hosts' guests and acts on them there.
     */
    static Screens menu(SessionLoop session, GatewayContext context, GuestActions actions, EscapeKeys escape,
                        String from, boolean peersShown) throws IOException {
        Screens screens = new Screens(session, context, actions, escape, from, false, peersShown);
        screens.showMenu();
        return screens;
    }

    /** The console of {@code guest} alone, as the console verb asks: leaving it ends the session. */
    static Screens console(SessionLoop session, GatewayContext context, GuestActions actions, EscapeKeys escape,
                           String from, GuestSupervisor guest) throws IOException {
        Screens screens = new Screens(session, context, actions, escape, from, true, false);
        screens.attach(guest, new byte[0]);
        return screens;
    }

    /** {@code ps} and {@code top} ({@code top}): the menu's processes screen of {@code guest}; leaving it quits. */
    void showProcesses(GuestSupervisor guest, boolean top) throws IOException {
        menu.showProcesses(guest, top);
    }

    @Override
    public void keys(byte[] bytes) throws IOException {
        front.keys(bytes);
    }

    @Override
    public boolean offer(byte[] bytes) {
        return front.offer(bytes);
    }

    @Override
    public void resized() throws IOException {
        front.resized();
    }

    @Override
    public void finishing() throws IOException {
        front.finishing();
    }

    /**
     * A console whose guest the login may no longer see is left; a viewer's right to write follows the login's; the
     * menu shows the guests as they are now. Each change is told.
     */
    @Override
    public void rightsChanged() throws IOException {
        ConsoleRight right = console == null ? ConsoleRight.NONE : actions.console(console.guest());
        if (console != null && right == ConsoleRight.NONE) {
            lostSight();
        } else if (console != null) {
            console.mayWrite(right == ConsoleRight.WRITE, actions.access().login());
        }
        if (front == menu) {
            menu.refresh();
        }
    }

    @Override
    public void close() {
        if (menu != null) {
            menu.close();
        }
        if (console != null) {
            leaveConsole();
        }
        if (front instanceof PeerScreen peer) {
            peer.close();
        }
    }

    @Override
    public boolean shows(ConsoleScreen screen) {
        return front == screen && !session.finished();
    }

    /** {@code ^A d}: back to the menu, or the end of a session opened with the console verb. */
    @Override
    public void detach() throws IOException {
        leaveConsole();
        if (consoleOnly) {
            session.finish(0, "detached");
        } else {
            showMenu();
        }
    }

    /** {@code ^A l}: the pager over the end of the guest's log; the console's output is held meanwhile. */
    @Override
    public void openLog() throws IOException {
        Optional<PagerScreen> pager = PagerScreen.open(session, actions, console.guest(), terminal, this::pagerClosed);
        if (pager.isPresent()) {
            console.hold();
            front = pager.get();
            pager.get().show();
        }
    }

    /** {@code ^A m}: the menu over the console, which {@link org.yucon.control.ConsoleKeys} has held. */
    @Override
    public void menu() throws IOException {
        showMenu();
    }

    /** What a key in the menu chose: to quit it, a guest's console, or a verb on the peer holding a guest. */
    private void chosen(GuestMenu.Next next) throws IOException {
        if (next instanceof GuestMenu.Next.Quit && console == null) {
            session.finish(0, null);
        } else if (next instanceof GuestMenu.Next.Quit) {
            menu.hide();
            backToConsole();
        } else if (next instanceof GuestMenu.Next.Relay chosen) {
            relayTo(chosen);
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

    /** The login may no longer see the guest whose console it is on: it leaves, and the menu or the end says why. */
    private void lostSight() throws IOException {
        String why = actions.access().login() + " may no longer see " + console.guest().name() + "; detached";
        closePager();
        leaveConsole();
        if (consoleOnly) {
            session.finish(1, why);
            return;
        }
        if (front != menu) {
            showMenu();
        }
        menu.tell(why);
    }

    private void attach(GuestSupervisor target, byte[] typedAhead) throws IOException {
        console = ConsoleScreen.attach(session, actions, target, viewer, context.settings().console().replayLines(),
                escape, this, (sink, change) -> session.post(() -> told(sink, change)));
        front = console;
        log.info("{} attached to the console of {}", actions.access().login(), target.name());
        if (typedAhead.length > 0) {
            console.keys(typedAhead);
        }
    }

    /** Somebody changed this session's role on a console: the one attached now takes it, if it was meant for it. */
    private void told(ViewerSink sink, RoleChange change) throws IOException {
        if (console != null) {
            console.told(sink, change);
        }
    }

    /** This session's way out of a console, whatever the reason. */
    private void leaveConsole() {
        console.close();
        console = null;
    }

    /**
     * From the menu: the terminal goes to a verb on the host holding the chosen guest, and comes back to the menu when
     * it ends; a console attached here is left.
     */
    private void relayTo(GuestMenu.Next.Relay chosen) throws IOException {
        menu.hide();
        if (console != null) {
            leaveConsole();
        }
        PeerLink link = context.fleet().link(chosen.guest().host()).orElseThrow();
        front = new PeerScreen(session, link, actions.access().login(), from, chosen.verb(), this::peerEnded);
    }

    private void peerEnded(String why) throws IOException {
        showMenu();
        if (!why.isEmpty()) {
            menu.tell("Error: " + why);
        }
    }

    /** A verb the menu relayed to a peer answered: the menu says so, if it is shown. */
    private void peerAnswered(String answer) throws IOException {
        if (front == menu) {
            menu.tell(answer);
        }
    }

    /** Shows the menu, over the attached console if there is one (its output held meanwhile). */
    private void showMenu() throws IOException {
        if (menu == null) {
            menu = new MenuScreen(session, actions, context, terminal, peers, this::chosen);
        }
        front = menu;
        menu.show();
    }

    /** From the menu or the pager back to the attached console, which catches up on what it missed. */
    private void backToConsole() throws IOException {
        front = console;
        console.release();
        byte[] rest = terminal.keys().drain();
        if (rest.length > 0) {
            console.keys(rest);
        }
    }

    private void pagerClosed() throws IOException {
        closePager();
        backToConsole();
    }

    /** The pager, if open, gives the screen back; the console it was over stays held. */
    private void closePager() throws IOException {
        if (front instanceof PagerScreen pager) {
            pager.hide();
            front = console;
        }
    }
}
