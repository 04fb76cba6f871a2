package org.yucon.tui;

import com.googlecode.lanterna.SGR;
import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.graphics.TextGraphics;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.screen.Screen;
import com.googlecode.lanterna.screen.TerminalScreen;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import org.yucon.guest.GuestState;
import org.yucon.guest.GuestStatus;
import org.yucon.guest.GuestSupervisor;
import org.yucon.guest.Outcome;
import org.yucon.guest.mconsole.GuestStats;
import org.yucon.guest.mconsole.MconsoleException;

/**
 * The seed's text menu: a header about the account and host, one line per guest the login may see, the keys,
 * and a status line with the result of the last action. Drawn with Lanterna on the session's thread only.
 */
public final class GuestMenu {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final int LIST_TOP = 3;

    /** What the session must do after a key. */
    public sealed interface Next {
        record Stay() implements Next { }

        record Quit() implements Next { }

        record Console(GuestSupervisor guest) implements Next { }
    }

    private final String account;
    private final boolean admin;
    private final List<GuestSupervisor> guests;
    private final SshTerminal terminal;
    private final TerminalScreen screen;
    private int selected;
    private String statusLine = "";
    /** A shutdown waiting for y / h, or null. */
    private GuestSupervisor confirming;

    public GuestMenu(String account, boolean admin, List<GuestSupervisor> guests, SshTerminal terminal) throws IOException {
        this.account = account;
        this.admin = admin;
        this.guests = List.copyOf(guests);
        this.terminal = terminal;
        this.screen = new TerminalScreen(terminal);
    }

    /** Takes the screen (alternate buffer) and draws; the last action's result is old news by now. */
    public void show() throws IOException {
        statusLine = "";
        screen.startScreen();
        screen.setCursorPosition(null);
        redraw(true);
    }

    /** Gives the screen back, e.g. before the console takes it. */
    public void hide() throws IOException {
        screen.stopScreen();
    }

    public void resized(int columns, int rows) throws IOException {
        terminal.resized(columns, rows);
        redraw(true);
    }

    /** Redraws what changed, e.g. after a guest changed state. */
    public void refresh() throws IOException {
        redraw(false);
    }

    /** Handles every key Lanterna can decode from the bytes fed so far. */
    public Next keys() throws IOException {
        KeyStroke key;
        while ((key = terminal.pollInput()) != null) {
            Next next = handle(key);
            if (!(next instanceof Next.Stay)) {
                return next;
            }
        }
        redraw(false);
        return new Next.Stay();
    }

    private Next handle(KeyStroke key) {
        if (confirming != null) {
            confirm(key);
            return new Next.Stay();
        }
        switch (key.getKeyType()) {
            case ArrowUp: return move(-1);
            case ArrowDown: return move(1);
            case Enter: return guests.isEmpty() ? new Next.Stay() : new Next.Console(current());
            case EOF: return new Next.Quit();
            case Character: return letter(Character.toLowerCase(key.getCharacter()));
            default: return new Next.Stay();
        }
    }

    private Next letter(char c) {
        switch (c) {
            case 'k': return move(-1);
            case 'j': return move(1);
            case 'q': return new Next.Quit();
            case 'b':
                act(current().boot());
                return new Next.Stay();
            case 's':
                confirming = current();
                statusLine = "Shut down " + confirming.name() + "? y - yes, h - halt now (hard), any other key - no";
                return new Next.Stay();
            default:
                statusLine = "Unknown key '" + c + "': " + keyHelp();
                return new Next.Stay();
        }
    }

    private void confirm(KeyStroke key) {
        GuestSupervisor guest = confirming;
        confirming = null;
        Character c = key.getKeyType() == KeyType.Character ? Character.toLowerCase(key.getCharacter()) : null;
        if (c != null && c == 'y') {
            act(guest.shutdown(false));
        } else if (c != null && c == 'h') {
            act(guest.shutdown(true));
        } else {
            statusLine = "Shutdown of " + guest.name() + " cancelled";
        }
    }

    private void act(Outcome outcome) {
        statusLine = outcome.ok() ? outcome.message() : "Error: " + outcome.message();
    }

    private Next move(int delta) {
        if (!guests.isEmpty()) {
            selected = Math.floorMod(selected + delta, guests.size());
        }
        return new Next.Stay();
    }

    private GuestSupervisor current() {
        return guests.get(selected);
    }

    private void redraw(boolean complete) throws IOException {
        screen.doResizeIfNecessary();
        screen.clear();
        TextGraphics g = screen.newTextGraphics();
        TerminalSize size = screen.getTerminalSize();
        drawHeader(g);
        g.putString(0, LIST_TOP - 1, String.format("   %-10s %-28s %-16s %-12s %s", "Guest", "Status", "Load", "Memory", "Viewers"), SGR.BOLD);
        for (int i = 0; i < guests.size() && LIST_TOP + i < size.getRows() - 4; i++) {
            drawGuest(g, i);
        }
        int bottom = size.getRows();
        g.putString(0, bottom - 4, "Options: b - Boot, s - Shutdown, <enter> - Console (C-a C-d to return),");
        g.putString(0, bottom - 3, "         arrows or j/k - Select, q - Quit");
        g.putString(0, bottom - 1, statusLine, SGR.BOLD);
        screen.refresh(complete ? Screen.RefreshType.COMPLETE : Screen.RefreshType.DELTA);
    }

    private void drawHeader(TextGraphics g) {
        HostFacts host = HostFacts.read();
        String header = "User: " + account + "  Host: " + host.hostName() + "  load: " + host.load()
                + (admin ? "  mem: " + host.memory() : "") + "  " + LocalDateTime.now().format(CLOCK);
        g.putString(0, 0, header);
    }

    private void drawGuest(TextGraphics g, int i) {
        GuestSupervisor guest = guests.get(i);
        GuestStatus status = guest.status();
        Optional<GuestStats> stats = status.state() == GuestState.RUNNING ? stats(guest) : Optional.empty();
        String line = String.format("%s%-10s %-28s %-16s %-12s %d", i == selected ? "-->" : "   ", guest.name(),
                fit(describe(status, stats), 28), stats.map(GuestMenu::load).orElse(""), stats.map(GuestMenu::memory).orElse(""),
                guest.console().viewerCount());
        if (i == selected) {
            g.putString(0, LIST_TOP + i, line, SGR.REVERSE);
        } else {
            g.putString(0, LIST_TOP + i, line);
        }
    }

    private static Optional<GuestStats> stats(GuestSupervisor guest) {
        try {
            return Optional.of(guest.stats());
        } catch (MconsoleException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String describe(GuestStatus status, Optional<GuestStats> stats) {
        String label = status.state().label();
        if (stats.isPresent()) {
            return label + " (up " + uptime(stats.get().uptime()) + ")";
        }
        return status.detail().isEmpty() ? label : label + " (" + status.detail() + ")";
    }

    /** Cuts text to a column, marking the cut, so that the columns after it stay in place. */
    private static String fit(String text, int width) {
        return text.length() <= width ? text : text.substring(0, width - 1) + "~";
    }

    private static String uptime(Duration d) {
        long s = d.toSeconds();
        return (s >= 86400 ? s / 86400 + "d " : "") + String.format("%d:%02d:%02d", s / 3600 % 24, s / 60 % 60, s % 60);
    }

    private static String load(GuestStats stats) {
        return String.format("%.2f %.2f %.2f", stats.load().one(), stats.load().five(), stats.load().fifteen());
    }

    private static String memory(GuestStats stats) {
        return stats.memory().usedKib() / 1024 + "/" + stats.memory().totalKib() / 1024 + " MB";
    }

    private static String keyHelp() {
        return "b boot, s shutdown, Enter console, j/k select, q quit";
    }
}
