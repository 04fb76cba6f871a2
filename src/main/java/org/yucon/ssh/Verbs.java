package org.yucon.ssh;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.yucon.console.QueryFilter;
import org.yucon.guest.GuestStatus;
import org.yucon.guest.GuestSupervisor;
import org.yucon.guest.Outcome;
import org.yucon.guest.mconsole.MconsoleException;
import org.yucon.guest.mconsole.MconsoleReply;
import org.yucon.util.Printable;

/** Runs the exec verbs that need no terminal, printing plain lines; exit status 0 on success. */
final class Verbs {
    private final GatewayContext context;
    private final Access access;
    private final OutputStream out;
    private final OutputStream err;
    private final String from;

    Verbs(GatewayContext context, Access access, String from, OutputStream out, OutputStream err) {
        this.context = context;
        this.access = access;
        this.from = from;
        this.out = out;
        this.err = err;
    }

    int run(CommandLine command) throws IOException {
        switch (command.verb()) {
            case HELP: return help();
            case STATUS: return status(command);
            case BOOT: return act(command, GuestSupervisor::boot);
            case SHUTDOWN: return act(command, g -> g.shutdown(command.flags().contains("--halt")));
            case REBOOT: return act(command, g -> g.reboot(command.flags().contains("--hard")));
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
        List<GuestSupervisor> visible = context.visibleTo(access);
        if (command.guest().isPresent()) {
            Optional<GuestSupervisor> named = context.visible(access, command.guest().get());
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
        List<GuestSupervisor> guests;
        if (command.guest().isPresent()) {
            Optional<GuestSupervisor> one = guest(command);
            if (one.isEmpty()) {
                return 1;
            }
            guests = List.of(one.get());
        } else {
            guests = context.visibleTo(access);
        }
        if (command.flags().contains("--json")) {
            print(out, StatusJson.of(guests));
            alertAdmin();
            return 0;
        }
        for (GuestSupervisor g : guests) {
            GuestStatus s = g.status();
            print(out, g.name() + " " + s.state().name().toLowerCase() + (s.detail().isEmpty() ? "" : " (" + s.detail() + ")"));
        }
        alertAdmin();
        return 0;
    }

    /** What is wrong with the host as a whole, to an admin, on stderr: the lines on stdout stay one per guest. */
    private void alertAdmin() throws IOException {
        if (access.admin()) {
            for (String alert : context.guests().alerts().current()) {
                print(err, "yucon: " + alert);
            }
        }
    }

    /** A malformed key is a usage error (2) whatever the guest, so it is checked before the guest is looked up. */
    private int sysrq(CommandLine command) throws IOException {
        String letter = command.operands().get(0);
        if (letter.length() != 1 || !Character.isLetterOrDigit(letter.charAt(0))) {
            print(err, "a SysRq key is one letter or digit, not '" + letter + "'; usage: " + command.verb().usage());
            return 2;
        }
        return act(command, g -> sysrq(g, letter));
    }

    private static Outcome sysrq(GuestSupervisor guest, String letter) {
        try {
            MconsoleReply reply = guest.mconsole("sysrq " + letter);
            String text = reply.text().strip();
            // What the guest's kernel printed comes with the reply (e.g. "sysrq: Emergency Sync"), maybe many lines;
            // an error must stay one line.
            return reply.ok() ? Outcome.done("sysrq " + letter + " sent to " + guest.name() + (text.isEmpty() ? "" : ": " + text))
                    : Outcome.refused("sysrq " + letter + " refused by " + guest.name() + ": " + text.replaceAll("\\s*\\n\\s*", "; "));
        } catch (MconsoleException e) {
            return Outcome.refused(e.sentence(guest.name()));
        }
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
        out.write(QueryFilter.dropQueries(
                LogTail.lastLines(context.settings().stateDir().resolve("logs").resolve(guest.get().name() + ".log"), lines)));
        out.flush();
        return 0;
    }

    private interface Action {
        Outcome on(GuestSupervisor guest);
    }

    private int act(CommandLine command, Action action) throws IOException {
        Optional<GuestSupervisor> guest = guest(command);
        if (guest.isEmpty()) {
            return 1;
        }
        if (!access.drives(guest.get())) {
            print(err, access.login() + " may only watch " + guest.get().name());
            return 1;
        }
        Outcome outcome = action.on(guest.get());
        context.audit().record(access.login(), from, command.verb().word(), guest.get().name(), outcome.ok() ? "ok" : outcome.message());
        print(outcome.ok() ? out : err, outcome.message());
        return outcome.ok() ? 0 : 1;
    }

    /** Messages name guests and quote what their kernels answered (task names of sysrq t): made printable here. */
    private static void print(OutputStream stream, String line) throws IOException {
        stream.write((Printable.lines(line) + "\n").getBytes(StandardCharsets.UTF_8));
        stream.flush();
    }
}
