package org.yucon.tui;

import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.yucon.control.Access;
import org.yucon.control.GuestActions;
import org.yucon.control.HostFacts;
import org.yucon.guest.GuestSupervisor;
import org.yucon.guest.Outcome;

/**
 * The seed's text menu: a header about the account and host, one line per guest the login may see, the keys,
 * and a status line with the result of the last action. A list longer than the screen scrolls, keeping the selected
 * guest in sight (arrows, j/k, PgUp/PgDn, Home/End), and {@code /} finds a guest by name as less does ({@code n} the
 * next match, {@code N} the one before). What it shows of the host and the guests comes from the
 * {@link MenuTicker}, read once for all menus; a redraw sends only the rows that changed. Its keys are words for the
 * login's {@link GuestActions}, which decide and audit; what the login may see and do is asked anew for every key
 * and frame, so a change of rights counts from the next one. Drawn by the session's steps only, one at a time.
 */
public final class GuestMenu {
    private static final int LIST_TOP = 3;
    /** Rows under the list: two of keys, two of status. */
    private static final int BELOW_LIST = 4;
    /** The longest text the search prompt takes (a guest's name is shorter). */
    private static final int SEARCH_MAX = 40;
    /** From this width on, the list has a kernel column. */
    private static final int WIDE = 100;
    /** A guest's row after the selection marker: name, status, load, memory, viewers; the kernel follows when wide. */
    static final String COLUMNS = "%-10s %-28s %-16s %-12s %-7s ";
    private static final String HEADINGS = "   " + String.format(COLUMNS, "Guest", "Status", "Load", "Memory", "Viewers");

    /** What the session must do after a key. */
    public sealed interface Next {
        record Stay() implements Next { }

        record Quit() implements Next { }

        record Console(GuestSupervisor guest) implements Next { }

        /** The terminal goes to {@code verb} (console, ps, top) on the host holding {@code guest}, as this login. */
        record Relay(PeerGuest guest, String verb) implements Next { }
    }

    /** What this login may do, and does, with its guests. */
    private final GuestActions actions;
    /** Whether this login may see and act on a guest now. */
    private final Access access;
    /** The guests this login may see, asked again before each key and frame: guests come and go. */
    private List<GuestSupervisor> guests;
    /** What the rows show of the host and the guests: read for all menus at once. */
    private final MenuTicker ticker;
    /** What the menu does to other hosts' guests, listed below this host's for an admin. */
    private final PeerActions peers;
    /** Other hosts' guests, below this host's in the list (the selection counts on from this host's); taken with them. */
    private List<PeerGuest> remote = List.of();
    private final SshTerminal terminal;
    private final RowScreen screen;
    private int selected;
    /** The rows of the list on screen, moved at each redraw to keep the selected guest in sight. */
    private ListWindow window = ListWindow.FIRST;
    /** What is typed after {@code /}, while the search prompt is open; null otherwise. */
    private StringBuilder typing;
    /** The last text searched for, for {@code n} and {@code N}; "" before the first search. */
    private String searched = "";
    private String statusLine = "";
    /** A shutdown or reboot waiting for y / h, or null. */
    private Question question;
    /** ps or top over the list, or null. */
    private ProcessView processes;
    /** The menu is the ps or top verb: leaving that screen ends the session. */
    private boolean processesOnly;
    /** An admin's view of a guest's settings over the list, or null. */
    private SettingsView settings;
    /** An admin's hot-plug screen over the list, or null. */
    private DiskView disks;

    /**
     * A question on the status line: y does the gentle thing, h the hard one, any other key cancels; {@code allowed}
     * is asked again at the answer, since rights may change meanwhile.
     */
    private record Question(String what, String guest, BooleanSupplier allowed, Consumer<Boolean> action) {
    }

    public GuestMenu(GuestActions actions, MenuTicker ticker, SshTerminal terminal, PeerActions peers) {
        this.actions = actions;
        this.access = actions.access();
        this.ticker = ticker;
        this.peers = peers;
        this.guests = actions.visible();
        this.terminal = terminal;
        this.screen = new RowScreen(terminal);
    }

    /** Takes the screen (alternate buffer) and draws; the last action's result is old news by now. */
    public void show() throws IOException {
        statusLine = "";
        screen.start();
        redraw();
    }

    /** The ps or top verb ({@code live}): that screen alone, over no list; leaving it ends the session. */
    public void showProcesses(GuestSupervisor guest, boolean live) throws IOException {
        processesOnly = true;
        openProcesses(guest, live);
        redraw();
    }

    /** Gives the screen back, e.g. before the console takes it. */
    public void hide() throws IOException {
        screen.stop();
    }

    public void resized(int columns, int rows) throws IOException {
        terminal.resized(columns, rows);
        screen.forget();
        redraw();
    }

    /** Redraws what changed, e.g. after a guest changed state; sends nothing if nothing did. */
    public void refresh() throws IOException {
        redraw();
    }

    /** Shows {@code line} on the status line, e.g. why the console was left. */
    public void tell(String line) throws IOException {
        statusLine = line;
        redraw();
    }

    /** Handles every key Lanterna can decode from the bytes fed so far. */
    public Next keys() throws IOException {
        look();
        if (processesOnly && processes == null) {
            return new Next.Quit();
        }
        KeyStroke key;
        while ((key = terminal.pollInput()) != null) {
            Next next = handle(key);
            if (!(next instanceof Next.Stay)) {
                return next;
            }
        }
        redraw();
        return new Next.Stay();
    }

    /**
     * True while the list is shown: a redraw then takes the ticker's facts and the menu's own state only, and
     * never waits for a guest (ps and top ask the guest's mconsole).
     */
    public boolean showsList() {
        return processes == null && settings == null && disks == null;
    }

    /** True while top is shown: the session then refreshes every second instead of every few. */
    public boolean live() {
        return processes != null && processes.live();
    }

    private Next handle(KeyStroke key) {
        if (question != null) {
            answer(key);
            return new Next.Stay();
        }
        if (typing != null) {
            return searchKey(key);
        }
        if (processes != null) {
            return processKey(key);
        }
        if (disks != null) {
            if (key.getKeyType() != KeyType.Character || !disks.key(key.getCharacter())) {
                disks = null;
            }
            return key.getKeyType() == KeyType.EOF ? new Next.Quit() : new Next.Stay();
        }
        if (settings != null) {
            settings = null;
            return key.getKeyType() == KeyType.EOF ? new Next.Quit() : new Next.Stay();
        }
        switch (key.getKeyType()) {
            case ArrowUp: return move(-1);
            case ArrowDown: return move(1);
            case PageUp: return select(selected - listRows());
            case PageDown: return select(selected + listRows());
            case Home: return select(0);
            case End: return select(entries() - 1);
            case Enter: return enter();
            case EOF: return new Next.Quit();
            case Character: return searchLetter(key.getCharacter()) ? new Next.Stay() : letter(Character.toLowerCase(key.getCharacter()));
            default: return new Next.Stay();
        }
    }

    /** {@code /} opens the search prompt; {@code n} and {@code N} go to the next and the previous match. */
    private boolean searchLetter(char c) {
        if (c == '/') {
            typing = new StringBuilder();
            statusLine = "/";
            return true;
        }
        if (c == 'n' || c == 'N') {
            if (searched.isEmpty()) {
                statusLine = "No search yet: / then a name, Enter";
            } else {
                find(selected, c == 'n' ? 1 : -1);
            }
            return true;
        }
        return false;
    }

    /** A key while the prompt is open: Enter searches from the top, Backspace edits, Esc (or Backspace on nothing) cancels. */
    private Next searchKey(KeyStroke key) {
        switch (key.getKeyType()) {
            case Enter -> {
                String text = typing.toString();
                typing = null;
                if (text.isEmpty()) {
                    statusLine = "";
                } else {
                    searched = text;
                    find(-1, 1);
                }
            }
            case Backspace -> {
                if (typing.isEmpty()) {
                    cancelSearch();
                } else {
                    typing.setLength(typing.length() - 1);
                    statusLine = "/" + typing;
                }
            }
            case Character -> {
                char c = key.getCharacter();
                if (key.isCtrlDown() || Character.isISOControl(c)) {
                    cancelSearch();
                } else if (typing.length() < SEARCH_MAX) {
                    typing.append(c);
                    statusLine = "/" + typing;
                }
            }
            case EOF -> {
                return new Next.Quit();
            }
            default -> cancelSearch();
        }
        return new Next.Stay();
    }

    private void cancelSearch() {
        typing = null;
        statusLine = "";
    }

    private Next enter() {
        if (peerSelected()) {
            return new Next.Relay(currentPeer(), "console " + currentPeer().name());
        }
        return guests.isEmpty() ? new Next.Stay() : new Next.Console(current());
    }

    /** Selects the next guest after {@code from} whose name contains the searched text, and says which of how many. */
    private void find(int from, int step) {
        List<String> names = new ArrayList<>(guests.stream().map(GuestSupervisor::name).toList());
        remote.forEach(g -> names.add(g.name()));
        int at = NameSearch.next(names, searched, from, step);
        if (at < 0) {
            statusLine = "Pattern not found: " + searched;
            return;
        }
        selected = at;
        List<Integer> matches = NameSearch.matches(names, searched);
        statusLine = "/" + searched + ": " + names.get(at) + ", match " + (matches.indexOf(at) + 1) + " of " + matches.size()
                + " (n - next, N - previous)";
    }

    private Next letter(char c) {
        if (c == 'q') {
            return new Next.Quit();
        }
        if (c == '?') {
            statusLine = keyHelp();
            return new Next.Stay();
        }
        if (entries() == 0) {
            statusLine = "This login has no guests.";
            return new Next.Stay();
        }
        if (peerSelected()) {
            return peerLetter(c, currentPeer());
        }
        GuestSupervisor guest = current();
        if ((c == 'b' || c == 's' || c == 'r' || c == 'd') && !access.drives(guest)) {
            statusLine = "Error: this login may only watch " + guest.name();
            return new Next.Stay();
        }
        switch (c) {
            case 'k': return move(-1);
            case 'j': return move(1);
            case 'b':
                act(actions.boot(guest));
                return new Next.Stay();
            case 's':
                ask(new Question("Shut down", guest.name(), () -> access.drives(guest), halt -> act(actions.shutdown(guest, halt))),
                        "h - halt now (hard)");
                return new Next.Stay();
            case 'r':
                ask(new Question("Reboot", guest.name(), () -> access.drives(guest), hard -> act(actions.reboot(guest, hard))),
                        "h - reset now (hard)");
                return new Next.Stay();
            case 'p':
            case 't':
                openProcesses(guest, c == 't');
                return new Next.Stay();
            case 'i':
                if (access.admin()) {
                    settings = new SettingsView(guest);
                } else {
                    statusLine = "Error: a guest's settings are for admins";
                }
                return new Next.Stay();
            case 'd':
                if (!access.admin()) {
                    statusLine = "Error: hot-plugging disks is for admins";
                } else if (guest.config().hotplug().isEmpty()) {
                    statusLine = guest.name() + " declares no [[hotplug]] disks";
                } else {
                    disks = new DiskView(actions, guest);
                }
                return new Next.Stay();
            default:
                statusLine = "Unknown key '" + c + "': " + keyHelp();
                return new Next.Stay();
        }
    }

    /**
     * A key on another host's guest: boot, shutdown and reboot are verbs there, answered on the status line later;
     * console, ps and top take the terminal there. The host holding the guest decides what this login may do.
     */
    private Next peerLetter(char c, PeerGuest guest) {
        String on = guest.name() + " on " + guest.host();
        switch (c) {
            case 'k': return move(-1);
            case 'j': return move(1);
            case 'b':
                askPeer(guest, "boot " + guest.name(), "Booting " + on);
                return new Next.Stay();
            case 's':
                ask(new Question("Shut down", on, () -> true, halt -> askPeer(guest, "shutdown " + (halt ? "--halt " : "") + guest.name(),
                        "Shutting down " + on)), "h - halt now (hard)");
                return new Next.Stay();
            case 'r':
                ask(new Question("Reboot", on, () -> true, hard -> askPeer(guest, "reboot " + (hard ? "--hard " : "") + guest.name(),
                        "Rebooting " + on)), "h - reset now (hard)");
                return new Next.Stay();
            case 'p': return new Next.Relay(guest, "ps " + guest.name());
            case 't': return new Next.Relay(guest, "top " + guest.name());
            case 'i':
            case 'd':
                statusLine = "Error: settings and disks of " + on + " are in " + guest.host() + "'s own menu";
                return new Next.Stay();
            default:
                statusLine = "Unknown key '" + c + "': " + keyHelp();
                return new Next.Stay();
        }
    }

    private void askPeer(PeerGuest guest, String verb, String asked) {
        peers.run(guest, verb);
        statusLine = asked + " ...";
    }

    private void ask(Question q, String hard) {
        question = q;
        statusLine = q.what() + " " + q.guest() + "? y - yes, " + hard + ", any other key - no";
    }

    private void answer(KeyStroke key) {
        Question q = question;
        question = null;
        Character c = key.getKeyType() == KeyType.Character ? Character.toLowerCase(key.getCharacter()) : null;
        if (c != null && (c == 'y' || c == 'h') && !q.allowed().getAsBoolean()) {
            statusLine = "Error: " + access.login() + " may no longer act on " + q.guest();
        } else if (c != null && (c == 'y' || c == 'h')) {
            q.action().accept(c == 'h');
        } else {
            statusLine = q.what() + " of " + q.guest() + " cancelled";
        }
    }

    /** ps or top, unless the login lost sight of the guest since the list was drawn. */
    private void openProcesses(GuestSupervisor guest, boolean live) {
        actions.processes(guest).ifPresentOrElse(watch -> processes = new ProcessView(watch, live),
                () -> statusLine = "Error: no guest named '" + guest.name() + "'");
    }

    private Next processKey(KeyStroke key) {
        boolean again = key.getKeyType() == KeyType.Character && key.getCharacter() == 'p' && !processes.live();
        if (!again) {
            processes = null;
        }
        return key.getKeyType() == KeyType.EOF || (processesOnly && !again) ? new Next.Quit() : new Next.Stay();
    }

    private void act(Outcome outcome) {
        statusLine = outcome.ok() ? outcome.message() : "Error: " + outcome.message();
    }

    private Next move(int delta) {
        if (entries() > 0) {
            selected = Math.floorMod(selected + delta, entries());
        }
        return new Next.Stay();
    }

    /** Selects {@code index}, kept within the list (PgUp/PgDn, Home/End do not wrap round). */
    private Next select(int index) {
        selected = Math.max(0, Math.min(index, entries() - 1));
        return new Next.Stay();
    }

    /** This host's guests and, for an admin in a fleet, the other hosts' after them. */
    private int entries() {
        return guests.size() + remote.size();
    }

    private boolean peerSelected() {
        return selected >= guests.size() && selected < entries();
    }

    private PeerGuest currentPeer() {
        return remote.get(selected - guests.size());
    }

    /** How many guests the list shows at once at the terminal's size now. */
    private int listRows() {
        return Math.max(1, terminal.size().getRows() - LIST_TOP - BELOW_LIST);
    }

    private GuestSupervisor current() {
        return guests.get(selected);
    }

    /**
     * Takes the guests as they are now, keeping the selection on the list, and closes a screen about a guest that the
     * login may no longer see, or no longer use that screen on.
     */
    private void look() {
        PeerGuest peer = peerSelected() ? currentPeer() : null;
        guests = actions.visible();
        remote = peers.shown() && access.admin() ? FleetRows.guests(ticker.facts().fleet()) : List.of();
        // A peer's guest stays selected while its host lists it, though rows above it come and go.
        int kept = peer == null ? -1 : remote.indexOf(peer);
        selected = Math.max(0, Math.min(kept >= 0 ? guests.size() + kept : selected, entries() - 1));
        if (processes != null && !guests.contains(processes.guest())) {
            processes = null;
        }
        if (settings != null && !(access.admin() && guests.contains(settings.guest()))) {
            settings = null;
        }
        if (disks != null && !(access.admin() && access.drives(disks.guest()))) {
            disks = null;
        }
    }

    private void redraw() throws IOException {
        look();
        Frame frame = new Frame(terminal.size());
        if (processes != null) {
            processes.draw(frame);
        } else if (settings != null) {
            settings.draw(frame);
        } else if (disks != null) {
            disks.draw(frame);
        } else {
            drawList(frame);
        }
        screen.draw(frame);
    }

    private void drawList(Frame frame) {
        MenuFacts facts = ticker.facts();
        boolean wide = frame.columns() >= WIDE;
        List<FleetRows.Row> rows = rowsOfList(facts, wide);
        int selectedRow = Math.max(0, indexOfEntry(rows, selected));
        window = window.showing(selectedRow, rows.size(), frame.rows() - LIST_TOP - BELOW_LIST);
        drawHeader(frame, facts, rows.size());
        frame.put(LIST_TOP - 1, wide ? HEADINGS + "Kernel" : HEADINGS, Frame.Style.BOLD);
        int row = LIST_TOP;
        for (int i = window.top(); i < window.end(rows.size()) && row < frame.rows() - BELOW_LIST; i++) {
            drawRow(frame, row++, rows.get(i));
        }
        int bottom = frame.rows();
        frame.put(bottom - 4, "Options: b - Boot, r - Reboot, s - Shutdown, p - ps, t - top, / - Find,");
        frame.put(bottom - 3, "         <enter> - Console (C-a C-d to return), j/k - Select, ? - Help, q - Quit");
        // A long message (the help, an error naming a path) takes the blank row above too rather than being cut.
        List<String> status = wrap(statusLine.isEmpty() ? alert(facts) : statusLine, frame.columns(), 2);
        for (int i = 0; i < status.size(); i++) {
            frame.put(bottom - status.size() + i, status.get(i), Frame.Style.BOLD);
        }
    }

    /** This host's guests; for an admin in a fleet, each other host with its guests after them. */
    private List<FleetRows.Row> rowsOfList(MenuFacts facts, boolean wide) {
        List<FleetRows.Row> rows = new ArrayList<>();
        for (int i = 0; i < guests.size(); i++) {
            MenuFacts.GuestFacts guest = facts.of(guests.get(i));
            rows.add(new FleetRows.Row(guest.columns() + (wide ? guest.kernel() : ""), i));
        }
        if (peers.shown() && access.admin()) {
            rows.addAll(FleetRows.rows(facts.fleet(), guests.size()));
        }
        return rows;
    }

    private static int indexOfEntry(List<FleetRows.Row> rows, int entry) {
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).entry() == entry) {
                return i;
            }
        }
        return -1;
    }

    /** For an admin, what is wrong with the host, where the menu's own messages go when it has none. */
    private String alert(MenuFacts facts) {
        return access.admin() && !facts.alerts().isEmpty() ? "! " + String.join("; ", facts.alerts()) : "";
    }

    /**
     * One row if it fits; otherwise account, host and clock first, and the host's figures on the blank row below.
     * When the list is longer than the screen, that row ends with which guests are shown, if there is room.
     */
    private void drawHeader(Frame frame, MenuFacts facts, int listed) {
        HostFacts host = facts.host();
        String who = "User: " + access.login() + "  Host: " + host.hostName();
        String figures = "load: " + host.load() + (access.admin() ? "  mem: " + host.memory() : "");
        String clock = facts.clock();
        String header = who + "  " + figures + "  " + clock;
        String second = "";
        if (header.length() <= frame.columns()) {
            frame.put(0, header);
        } else {
            frame.put(0, who + "  " + clock);
            second = figures;
        }
        String shown = shownOfAll(listed);
        int gap = frame.columns() - second.length() - shown.length();
        frame.put(1, gap >= 2 ? second + " ".repeat(gap) + shown : second);
    }

    /** "18-34 of 100" while the list's {@code listed} rows do not fit on the screen, else "". */
    private String shownOfAll(int listed) {
        if (listed <= window.rows()) {
            return "";
        }
        return (window.top() + 1) + "-" + window.end(listed) + " of " + listed;
    }

    /** {@code text} broken at blanks into at most {@code maxRows} rows of {@code width}; what is left over is cut. */
    static List<String> wrap(String text, int width, int maxRows) {
        List<String> rows = new ArrayList<>();
        String rest = text;
        while (rest.length() > width && rows.size() < maxRows - 1) {
            int cut = rest.lastIndexOf(' ', width);
            int end = cut > 0 ? cut : width;
            rows.add(rest.substring(0, end));
            rest = rest.substring(end).stripLeading();
        }
        rows.add(rest.length() > width ? rest.substring(0, width) : rest);
        return rows;
    }

    /** A guest's row with the selection marker (the kernel column needs room that 80 columns do not have), or a host's line. */
    private void drawRow(Frame frame, int row, FleetRows.Row shown) {
        if (!shown.guest()) {
            frame.put(row, shown.text().length() <= frame.columns() ? shown.text() : shown.text().substring(0, frame.columns()));
            return;
        }
        boolean chosen = shown.entry() == selected;
        frame.put(row, (chosen ? "-->" : "   ") + shown.text(), chosen ? Frame.Style.REVERSE : Frame.Style.PLAIN);
    }

    private String keyHelp() {
        return "b boot, r reboot, s shutdown, p ps, t top, " + (access.admin() ? "i settings, d hot-plug disks, " : "")
                + "Enter console (Ctrl-A d returns), j/k arrows PgUp PgDn Home End select, / find, q quit";
    }
}
