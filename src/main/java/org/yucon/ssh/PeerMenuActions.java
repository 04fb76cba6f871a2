package org.yucon.ssh;

import java.io.IOException;
import java.util.function.Consumer;
import org.yucon.fleet.Fleet;
import org.yucon.fleet.PeerLink;
import org.yucon.tui.PeerActions;
import org.yucon.tui.PeerGuest;
import org.yucon.util.Printable;

/**
 * An admin's menu acting on another host's guest: the verb is relayed to that host as the person, exactly as
 * {@code ssh entry VERB} would be, on the session pool (never the menu's step, which must not wait for a peer), and
 * its one-line answer is handed to {@code answered}, which the session turns into a step of its own.
 */
final class PeerMenuActions implements PeerActions {
    private final GatewayContext context;
    private final String person;
    private final String from;
    private final Consumer<String> answered;

    PeerMenuActions(GatewayContext context, String person, String from, Consumer<String> answered) {
        this.context = context;
        this.person = person;
        this.from = from;
        this.answered = answered;
    }

    @Override
    public boolean shown() {
        return true;
    }

    @Override
    public void run(PeerGuest guest, String verb) {
        context.audit().record(person, from, "relay", guest.name(), "to " + guest.host() + ": " + verb);
        context.sessions().execute(() -> answered.accept(guest.host() + ": " + answer(guest.host(), verb)));
    }

    /** What the verb printed, as the menu shows a local action's outcome; or why the host did not answer. */
    private String answer(String host, String verb) {
        PeerLink link = context.fleet().link(host).orElseThrow(() -> new IllegalStateException("no peer named " + host));
        try {
            PeerLink.Result result = link.run(person, from, verb, Fleet.ASK_TIMEOUT);
            String text = Printable.of((result.out() + result.err()).strip().replace('\n', ' '));
            return result.status() == 0 ? text : "Error: " + text;
        } catch (IOException e) {
            return "Error: " + e.getMessage();
        }
    }
}
