package org.yucon.ssh;

import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yucon.config.AccountConfig;
import org.yucon.console.ConsoleLogs;
import org.yucon.console.EscapeKeys;
import org.yucon.control.Access;
import org.yucon.control.GuestActions;
import org.yucon.guest.GuestSupervisor;
import org.yucon.metrics.Metrics;
import org.yucon.recording.CastPlayer;
import org.yucon.recording.RecordingInfo;

/**
 * How a session opens, in its first step: without a command line, the menu; with one, its verb. Most verbs answer
 * in plain lines ({@link Verbs}) and finish the session; {@code console}, {@code ps}, {@code top} and {@code play}
 * open a screen on the client's terminal, and need one.
 */
final class Opening {
    private static final Logger log = LoggerFactory.getLogger(Opening.class);

    private final GatewayContext context;
    private final SessionLoop session;
    private final AccountConfig account;
    private final Optional<String> commandLine;
    /** Where the person came from, as logs and viewer lists name them (with the entry host if relayed). */
    private final String from;
    /** The session came through a peer: it shows this host only. */
    private final boolean relayed;
    /** What the login does with its guests, whichever way it asks. */
    private final GuestActions actions;

    Opening(GatewayContext context, SessionLoop session, AccountConfig account, Access access,
            Optional<String> commandLine, String from, boolean relayed) {
        this.context = context;
        this.session = session;
        this.account = account;
        this.commandLine = commandLine;
        this.from = from;
        this.relayed = relayed;
        this.actions = new GuestActions(context.guests(), access, context.audit()::record, from,
                ConsoleLogs.dir(context.settings().stateDir()), context.recordings());
    }

    /** The screen the session shows from now on; {@link Screen#NONE} once a verb has answered, or on a refusal. */
    Screen open() throws IOException {
        return commandLine.isPresent() ? exec(commandLine.get()) : menu();
    }

    private Screen menu() throws IOException {
        context.metrics().session(Metrics.SessionKind.MENU);
        if (!session.channel().hasTerminal()) {
            return refuse("the menu needs a terminal: use ssh -t, or run a command such as 'help'");
        }
        return Screens.menu(session, context, actions, escapeKeys(), from, peersShown());
    }

    /** An admin's menu in a fleet lists the other hosts' guests and acts on them there; a relayed session shows this host. */
    private boolean peersShown() {
        return !relayed && context.fleet().isFleet() && actions.access().admin();
    }

    private Screen exec(String line) throws IOException {
        CommandLine command;
        try {
            command = CommandLine.parse(line);
        } catch (IllegalArgumentException e) {
            return refuse(e.getMessage());
        }
        log.info("{} runs: {}", account.name(), line);
        context.metrics().session(command.verb() == Verb.CONSOLE ? Metrics.SessionKind.CONSOLE : Metrics.SessionKind.VERB);
        SshChannel channel = session.channel();
        Verbs verbs = new Verbs(actions, channel.out(), channel.err(), new FleetStatus(context, actions.access(), from, relayed));
        if (command.verb() == Verb.PLAY) {
            return play(command.operands().get(0));
        }
        if (command.verb() != Verb.CONSOLE && command.verb() != Verb.PS && command.verb() != Verb.TOP) {
            session.finish(verbs.run(command), null);
            return Screen.NONE;
        }
        Optional<GuestSupervisor> target = verbs.guest(command);
        if (target.isEmpty()) {
            session.finish(1, null);
            return Screen.NONE;
        }
        if (!channel.hasTerminal()) {
            return refuse((command.verb() == Verb.CONSOLE ? "the console" : command.verb().word())
                    + " needs a terminal: use ssh -t");
        }
        return guestScreen(command.verb(), target.get());
    }

    /**
     * {@code console}, {@code ps} and {@code top}: that one guest's console, or the menu's screen of its processes,
     * which end the session when left.
     */
    private Screen guestScreen(Verb verb, GuestSupervisor guest) throws IOException {
        if (verb == Verb.CONSOLE) {
            return Screens.console(session, context, actions, escapeKeys(), from, guest);
        }
        Screens screens = Screens.menu(session, context, actions, escapeKeys(), from, peersShown());
        screens.showProcesses(guest, verb == Verb.TOP);
        return screens;
    }

    /** {@code play ID}: the recording at its own pace on this terminal, until its end or {@code q}. */
    private Screen play(String id) throws IOException {
        Optional<RecordingInfo> recording = actions.recording(id);
        SshChannel channel = session.channel();
        if (recording.isEmpty()) {
            channel.complain(Verbs.noRecording(id));
            session.finish(1, null);
            return Screen.NONE;
        }
        if (!channel.hasTerminal()) {
            return refuse("play needs a terminal: use ssh -t, or 'recording " + id + "' for the file");
        }
        PlayerScreen player = new PlayerScreen(session, context.scheduler(),
                new CastPlayer(actions.open(recording.get()), channel.out()), account.name());
        channel.say("[yucon] recording " + id + " of " + recording.get().guest() + ": space pauses, q stops, + and - change the speed");
        try {
            player.playOn();
        } catch (IOException | RuntimeException e) {
            player.close();
            throw e;
        }
        return player;
    }

    /** A command line that cannot run as given: one sentence on stderr, and exit status 2. */
    private Screen refuse(String why) {
        session.channel().complain(why);
        session.finish(2, null);
        return Screen.NONE;
    }

    private EscapeKeys escapeKeys() {
        return new EscapeKeys(account.escapeKey());
    }
}
