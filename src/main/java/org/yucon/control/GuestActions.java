package org.yucon.control;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.yucon.console.ConsoleLogs;
import org.yucon.guest.GuestSupervisor;
import org.yucon.guest.Guests;
import org.yucon.guest.Outcome;
import org.yucon.guest.mconsole.MconsoleException;
import org.yucon.guest.mconsole.MconsoleReply;
import org.yucon.recording.Recording;
import org.yucon.recording.RecordingInfo;
import org.yucon.recording.Recordings;

/**
 * The guest actions of one login, whichever front asks for them (the menu's keys, the exec verbs, later the web's
 * buttons): each is authorized by {@link Access} as the rights are now, and each that changes a guest is recorded in
 * the audit the same way: who, from where, what, on which guest, with what result. A guest the login may not see
 * is answered exactly like one that does not exist. Called on the front's own thread (a session's step); an action
 * may wait for the guest's mconsole, never for a client.
 */
public final class GuestActions {
    private final Guests guests;
    private final Access access;
    private final ActionAudit audit;
    /** Where the login came from, as the audit says it. */
    private final String from;
    /** state/logs, where each guest's console log is NAME.log. */
    private final Path logs;
    private final Recordings recordings;

    public GuestActions(Guests guests, Access access, ActionAudit audit, String from, Path logs, Recordings recordings) {
        this.guests = guests;
        this.access = access;
        this.audit = audit;
        this.from = from;
        this.logs = logs;
        this.recordings = recordings;
    }

    public Access access() {
        return access;
    }

    /** The guests the login may see now, in the host's order. */
    public List<GuestSupervisor> visible() {
        return guests.all().stream().filter(access::sees).collect(Collectors.toList());
    }

    /** The guest named so, if the login may see it now. */
    public Optional<GuestSupervisor> visible(String name) {
        return guests.get(name).filter(access::sees);
    }

    public boolean may(GuestAction action, GuestSupervisor guest) {
        return access.may(action, guest);
    }

    public Outcome boot(GuestSupervisor guest) {
        return act(GuestAction.BOOT, guest, GuestSupervisor::boot);
    }

    /** Gracefully (init's ctrl-alt-del action), or at once with {@code halt}. */
    public Outcome shutdown(GuestSupervisor guest, boolean halt) {
        return act(GuestAction.SHUTDOWN, guest, g -> g.shutdown(halt));
    }

    /** A shutdown then a boot; {@code hard} halts instead of shutting down. */
    public Outcome reboot(GuestSupervisor guest, boolean hard) {
        return act(GuestAction.REBOOT, guest, g -> g.reboot(hard));
    }

    /** Magic SysRq {@code key} through mconsole; what the guest's kernel answered comes with the message. */
    public Outcome sysrq(GuestSupervisor guest, String key) {
        return act(GuestAction.SYSRQ, guest, g -> sendSysrq(g, key));
    }

    /** Plugs the {@code n}th of the guest's {@code [[hotplug]]} disks in, or out if it is in. */
    public Outcome hotplug(GuestSupervisor guest, int n) {
        return act(GuestAction.HOTPLUG, guest, g -> g.hotplug(n, !g.plugged(n)));
    }

    /** ps and top of the guest, if the login may see it. */
    public Optional<ProcessWatch> processes(GuestSupervisor guest) {
        return access.may(GuestAction.PROCESSES, guest) ? Optional.of(new ProcessWatch(guest)) : Optional.empty();
    }

    /** The guest's settings as its file gave them, for an admin who sees it. */
    public Optional<List<String>> settings(GuestSupervisor guest) {
        return access.may(GuestAction.SETTINGS, guest) ? Optional.of(SettingsLines.of(guest.config())) : Optional.empty();
    }

    /**
     * Up to the last {@code lines} lines of the guest's console log, raw as the keeper wrote them (a front shows them
     * as text, without their terminal queries), if the login may see the guest.
     */
    public Optional<byte[]> log(GuestSupervisor guest, int lines) throws IOException {
        if (!access.may(GuestAction.LOG, guest)) {
            return Optional.empty();
        }
        return Optional.of(LogTail.lastLines(ConsoleLogs.of(logs, guest.name()), lines));
    }

    /** How the login may be on the guest's console now: watch it, write on it, or neither. */
    public ConsoleRight console(GuestSupervisor guest) {
        if (access.may(GuestAction.WRITE_CONSOLE, guest)) {
            return ConsoleRight.WRITE;
        }
        return access.may(GuestAction.WATCH_CONSOLE, guest) ? ConsoleRight.WATCH : ConsoleRight.NONE;
    }

    /** A console event of this login's (attach, force, detach), in the audit trail with the login's channel. */
    public void recordConsole(GuestSupervisor guest, String event, String result) {
        audit.record(access.login(), from, event, guest.name(), result);
    }

    /** Starts recording the login's attachment to the guest's console, on {@code channel} (as the title names it). */
    public Recording record(GuestSupervisor guest, String channel) {
        return recordings.start(guest.name(), access.login(), from, channel);
    }

    /** The console recordings of {@code guest}, or of every guest, that the login may see, newest first. */
    public List<RecordingInfo> recordings(Optional<String> guest) {
        return recordings.list(name -> guest.map(name::equals).orElse(true) && mayReplay(name));
    }

    /**
     * The recording with that id, if the login may see it; one it may not see is answered exactly like one that does
     * not exist. A fetch is audited, as it shows what others did.
     */
    public Optional<RecordingInfo> recording(String id) {
        Optional<RecordingInfo> found = recordings.find(id, this::mayReplay);
        found.ifPresent(r -> audit.record(access.login(), from, GuestAction.RECORDINGS.word() + " " + r.id(), r.guest(), "ok"));
        return found;
    }

    /** The file of a recording {@link #recording} gave, as it is now. */
    public InputStream open(RecordingInfo recording) throws IOException {
        return recordings.open(recording);
    }

    /**
     * A guest's recordings are for those who drive it, not for those who may only watch it (they show what others
     * typed and saw); an admin's are all, also those of guests since removed.
     */
    private boolean mayReplay(String guest) {
        return access.admin() || guests.get(guest).map(g -> access.may(GuestAction.RECORDINGS, g)).orElse(false);
    }

    /** The status of the guests the login may see now. */
    public List<GuestRow> status() {
        return visible().stream().map(GuestRow::of).collect(Collectors.toList());
    }

    /** What is wrong with the host as a whole ({@link org.yucon.guest.Alerts}): for admins, none for the others. */
    public List<String> alerts() {
        return access.admin() ? guests.alerts().current() : List.of();
    }

    private Outcome act(GuestAction action, GuestSupervisor guest, Function<GuestSupervisor, Outcome> body) {
        if (!access.may(action, guest)) {
            return Outcome.refused(refusal(action, guest));
        }
        Outcome outcome = body.apply(guest);
        audit.record(access.login(), from, action.word(), guest.name(), outcome.ok() ? "ok" : outcome.message());
        return outcome;
    }

    /** Why not, without saying that a guest the login may not see exists. */
    private String refusal(GuestAction action, GuestSupervisor guest) {
        if (!access.sees(guest)) {
            return "no guest named '" + guest.name() + "'";
        }
        if (action.adminOnly() && !access.admin()) {
            return action.word() + " is for admins";
        }
        return access.login() + " may only watch " + guest.name();
    }

    private static Outcome sendSysrq(GuestSupervisor guest, String key) {
        try {
            MconsoleReply reply = guest.mconsole("sysrq " + key);
            String text = reply.text().strip();
            // What the guest's kernel printed comes with the reply (e.g. "sysrq: Emergency Sync"), maybe many lines;
            // an error must stay one line.
            return reply.ok() ? Outcome.done("SysRq " + key + " sent to " + guest.name() + (text.isEmpty() ? "" : ": " + text))
                    : Outcome.refused("SysRq " + key + " refused by " + guest.name() + ": " + text.replaceAll("\\s*\\n\\s*", "; "));
        } catch (MconsoleException e) {
            return Outcome.refused(e.sentence(guest.name()));
        }
    }
}
