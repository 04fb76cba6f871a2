package org.yucon.ssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.yucon.console.QueryFilter;
import org.yucon.control.GuestActions;
import org.yucon.control.GuestRow;
import org.yucon.guest.GuestSupervisor;
import org.yucon.guest.Outcome;
import org.yucon.recording.RecordingInfo;
import org.yucon.util.Printable;

/**
 * Runs the exec verbs that need no terminal, printing plain lines; exit status 0 on success. The verbs are words for
 * the login's {@link GuestActions}, which decide and audit.
 */
final class Verbs {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());
    private final GuestActions actions;
    private final OutputStream out;
    private final OutputStream err;
    /** Adds the other hosts' guests to {@code status}. */
    private final FleetStatus fleet;

    Verbs(GuestActions actions, OutputStream out, OutputStream err, FleetStatus fleet) {
        this.actions = actions;
        this.fleet = fleet;
        this.out = out;
        this.err = err;
    }

    int run(CommandLine command) throws IOException {
        switch (command.verb()) {
            case HELP: return help();
            case STATUS: return status(command);
            case BOOT: return act(command, actions::boot);
            case SHUTDOWN: return act(command, g -> actions.shutdown(g, command.flags().contains("--halt")));
            case REBOOT: return act(command, g -> actions.reboot(g, command.flags().contains("--hard")));
            case SYSRQ: return sysrq(command);
            case LOG: return log(command);
            case RECORDINGS: return recordings(command);
            case RECORDING: return recording(command);
            default: throw new IllegalArgumentException("not a plain verb: " + command.verb());
        }
    }

    /**
     * The guest a command acts on: the one it names, or the only one the account sees. Prints why not and
     * returns empty otherwise; a guest the account may not see is reported exactly like one that does not exist.
     */
    Optional<GuestSupervisor> guest(CommandLine command) throws IOException {
        List<GuestSupervisor> visible = actions.visible();
        if (command.guest().isPresent()) {
            Optional<GuestSupervisor> named = actions.visible(command.guest().get());
            if (named.isEmpty()) {
                print(err, "no guest named '" + command.guest().get() + "'");
            }
            return named;
        }
        if (visible.size() == 1) {
            return Optional.of(visible.get(0));
        }
        print(err, visible.isEmpty() ? "this login has no guests" : "name a guest: " + command.verb().usage());
        return Optional.empty();
    }

    private int help() throws IOException {
        StringBuilder b = new StringBuilder("commands:\n");
        for (Verb verb : Verb.values()) {
            b.append("  ").append(verb.usage()).append('\n');
        }
        b.append("without a command (ssh -t): the menu; on a console, Ctrl-A d returns\n");
        out.write(b.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        return 0;
    }

    private int status(CommandLine command) throws IOException {
        List<GuestRow> rows;
        if (command.guest().isPresent()) {
            Optional<GuestSupervisor> one = guest(command);
            if (one.isEmpty()) {
                return 1;
            }
            rows = List.of(GuestRow.of(one.get()));
        } else {
            rows = actions.status();
        }
        if (command.flags().contains("--json")) {
            print(out, fleet.json(rows));
            alertAdmin();
            return 0;
        }
        for (String line : fleet.lines(rows)) {
            print(out, line);
        }
        alertAdmin();
        return 0;
    }

    /** What is wrong with the host as a whole, to an admin, on stderr: the lines on stdout stay one per guest. */
    private void alertAdmin() throws IOException {
        for (String alert : actions.alerts()) {
            print(err, "yucon: " + alert);
        }
    }

    /** A malformed key is a usage error (2) whatever the guest, so it is checked before the guest is looked up. */
    private int sysrq(CommandLine command) throws IOException {
        String letter = command.operands().get(0);
        if (letter.length() != 1 || !Character.isLetterOrDigit(letter.charAt(0))) {
            print(err, "a SysRq key is one letter or digit, not '" + letter + "'; usage: " + command.verb().usage());
            return 2;
        }
        return act(command, g -> actions.sysrq(g, letter));
    }

    /**
     * The tail of the guest's console log, as raw as it was written but for terminal queries: shown on a terminal,
     * they would make it answer as if typed.
     */
    private int log(CommandLine command) throws IOException {
        int lines;
        try {
            lines = Integer.parseInt(command.options().getOrDefault("-n", "50"));
        } catch (NumberFormatException e) {
            lines = -1;
        }
        if (lines < 1 || lines > 100_000) {
            print(err, "log -n takes a number of lines from 1 to 100000");
            return 2;
        }
        Optional<GuestSupervisor> guest = guest(command);
        if (guest.isEmpty()) {
            return 1;
        }
        out.write(QueryFilter.dropQueries(actions.log(guest.get(), lines).orElseThrow()));
        out.flush();
        return 0;
    }

    /**
     * The console recordings the login may see, of one guest or of all, newest first. A guest named that the login may
     * not see is answered as one that does not exist; an admin may name a guest since removed.
     */
    private int recordings(CommandLine command) throws IOException {
        Optional<String> guest = command.guest();
        if (guest.isPresent() && actions.visible(guest.get()).isEmpty() && !actions.access().admin()) {
            print(err, "no guest named '" + guest.get() + "'");
            return 1;
        }
        List<RecordingInfo> recordings = actions.recordings(guest);
        if (recordings.isEmpty()) {
            print(out, "no recordings");
            return 0;
        }
        StringBuilder b = new StringBuilder(String.format("%-8s %-16s %-16s %-19s %9s %9s%n",
                "ID", "GUEST", "ACCOUNT", "START", "LENGTH", "SIZE"));
        for (RecordingInfo r : recordings) {
            b.append(String.format("%-8d %-16s %-16s %-19s %9s %9s%s%n", r.id(), r.guest(), r.account(),
                    CLOCK.format(r.start()), r.lengthText(), r.sizeText(),
                    r.stopped().map(why -> "  stopped: " + why).orElse(r.live() ? "  live" : "")));
        }
        out.write(Printable.lines(b.toString()).getBytes(StandardCharsets.UTF_8));
        out.flush();
        return 0;
    }

    /** One recording's asciicast file as it is now, for {@code > s.cast && asciinema play s.cast}. */
    private int recording(CommandLine command) throws IOException {
        String id = command.operands().get(0);
        Optional<RecordingInfo> recording = actions.recording(id);
        if (recording.isEmpty()) {
            print(err, noRecording(id));
            return 1;
        }
        try (InputStream in = actions.open(recording.get())) {
            in.transferTo(out);
        }
        out.flush();
        return 0;
    }

    /** What {@code recording} and {@code play} answer for an id the login may not see, or that names nothing. */
    static String noRecording(String id) {
        return "no recording " + id + "; 'recordings' lists those this login may see";
    }

    /** Runs an action of {@link GuestActions} on the command's guest, which refuses (and says why) or acts and audits. */
    private int act(CommandLine command, Function<GuestSupervisor, Outcome> action) throws IOException {
        Optional<GuestSupervisor> guest = guest(command);
        if (guest.isEmpty()) {
            return 1;
        }
        Outcome outcome = action.apply(guest.get());
        print(outcome.ok() ? out : err, outcome.message());
        return outcome.ok() ? 0 : 1;
    }

    /** Messages name guests and quote what their kernels answered (task names of sysrq t): made printable here. */
    private static void print(OutputStream stream, String line) throws IOException {
        stream.write((Printable.lines(line) + "\n").getBytes(StandardCharsets.UTF_8));
        stream.flush();
    }
}
