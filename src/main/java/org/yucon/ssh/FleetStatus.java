package org.yucon.ssh;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.yucon.control.Access;
import org.yucon.control.GuestRow;
import org.yucon.fleet.Fleet;
import org.yucon.fleet.PeerLink;
import org.yucon.fleet.PeerView;
import org.yucon.util.JsonText;

/**
 * {@code status} over the fleet: this host's rows, then each peer's as that peer shows them to the person (its own
 * {@code Access} decides), asked of all peers at once, each within {@link Fleet#ASK_TIMEOUT}. A peer known to be down
 * is not asked: it is one line saying so. A session relayed here from a peer shows this host's rows only. An admin
 * also sees every guest name that two hosts claim.
 */
final class FleetStatus {
    private final GatewayContext context;
    private final Access access;
    private final String from;
    private final boolean relayed;

    FleetStatus(GatewayContext context, Access access, String from, boolean relayed) {
        this.context = context;
        this.access = access;
        this.from = from;
        this.relayed = relayed;
    }

    private boolean asksPeers() {
        return context.fleet().isFleet() && !relayed;
    }

    /** One line per guest; in a fleet each begins with the guest's host. */
    List<String> lines(List<GuestRow> local) {
        String host = context.settings().fleet().isFleet() ? context.settings().fleet().hostName() + " " : "";
        List<String> lines = new ArrayList<>();
        local.forEach(row -> lines.add(host + row.guest() + " " + row.stateWord() + (row.detail().isEmpty() ? "" : " (" + row.detail() + ")")));
        if (asksPeers()) {
            for (Answer answer : ask("status")) {
                if (answer.text().isEmpty()) {
                    continue;
                }
                lines.addAll(answer.text().lines().toList());
            }
            if (access.admin()) {
                context.fleet().duplicates().forEach(d -> lines.add(context.fleet().hostName() + " - error (" + d + ")"));
            }
        }
        return lines;
    }

    /** One JSON array, a "host" in every object; a peer that is down is one object whose state is "unreachable". */
    String json(List<GuestRow> local) {
        String own = StatusJson.of(context.settings().fleet().hostName(), local);
        if (!asksPeers()) {
            return own;
        }
        List<String> arrays = new ArrayList<>(List.of(own));
        ask("status --json").forEach(a -> arrays.add(a.json()));
        if (access.admin()) {
            context.fleet().duplicates().forEach(d -> arrays.add("[{\"host\":" + JsonText.string(context.fleet().hostName())
                    + ",\"guest\":\"\",\"state\":\"error\",\"detail\":" + JsonText.string(d) + "}]"));
        }
        List<String> inner = arrays.stream().map(String::strip).map(a -> a.substring(1, a.length() - 1)).filter(a -> !a.isBlank()).toList();
        return "[" + String.join(",", inner) + "]";
    }

    private List<Answer> ask(String verb) {
        List<CompletableFuture<Answer>> asked = new ArrayList<>();
        for (PeerView view : context.fleet().peers()) {
            PeerLink link = context.fleet().link(view.name()).orElseThrow();
            asked.add(view.up() ? CompletableFuture.supplyAsync(() -> ask(link, verb), context.sessions())
                    : CompletableFuture.completedFuture(Answer.down(view.name(), view.reason())));
        }
        return asked.stream().map(CompletableFuture::join).toList();
    }

    private Answer ask(PeerLink link, String verb) {
        try {
            PeerLink.Result result = link.run(access.login(), from, verb, Fleet.ASK_TIMEOUT);
            return result.status() == 0 ? new Answer(result.out(), result.out())
                    : Answer.down(link.peer().name(), result.err().strip());
        } catch (IOException e) {
            return Answer.down(link.peer().name(), e.getMessage());
        }
    }

    /** A peer's answer, as text lines and as a JSON array. */
    private record Answer(String text, String json) {
        static Answer down(String host, String why) {
            return new Answer(host + " - unreachable (" + why + ")\n",
                    "[{\"host\":" + JsonText.string(host) + ",\"guest\":\"\",\"state\":\"unreachable\",\"detail\":"
                            + JsonText.string(why) + "}]");
        }
    }
}
