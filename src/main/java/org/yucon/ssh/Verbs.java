package org.yucon.ssh;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.yucon.console.QueryFilter;
import org.yucon.control.GuestActions;
import org.yucon.control.GuestRow;
import org.yucon.guest.GuestSupervisor;
import org.yucon.guest.Outcome;
import org.yucon.util.Printable;

/**
 * Runs the exec verbs that need no terminal, printing plain lines; exit status 0 on success. The verbs are words for
 * the login's {@link GuestActions}, which decide and audit.
 */
final class Verbs {
    private final GuestActions actions;
    private final OutputStream out;
    private final OutputStream err;

    Verbs(GuestActions actions, OutputStream out, OutputStream err) {
        this.actions = actions;
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
            print(out, StatusJson.of(rows));
            alertAdmin();
            return 0;
        }
        for (GuestRow row : rows) {
            print(out, row.guest() + " " + row.stateWord() + (row.detail().isEmpty() ? "" : " (" + row.detail() + ")"));
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
