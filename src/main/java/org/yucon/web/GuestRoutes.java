package org.yucon.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.yucon.control.Access;
import org.yucon.control.GuestAction;
import org.yucon.control.GuestActions;
import org.yucon.control.ProcessWatch;
import org.yucon.guest.GuestSupervisor;
import org.yucon.guest.Outcome;
import org.yucon.util.Printable;

/**
 * What the page asks of the guests: the live state, the processes, the console log, and the actions, each through
 * the login's {@link GuestActions} (authorized by {@link Access} as the rights are now, as the menu's and the
 * verbs'). A guest the login may not see answers as one that does not exist.
 */
final class GuestRoutes {
    /** {@code /api/guests/NAME/WHAT}. */
    static final Pattern GUEST = Pattern.compile("/api/guests/([a-z][a-z0-9_-]{0,31})/([a-z.]+)");
    private static final List<GuestAction> ACTIONS = List.of(GuestAction.BOOT, GuestAction.REBOOT, GuestAction.SHUTDOWN);

    private final WebContext context;
    private final GuestBoard board;

    GuestRoutes(WebContext context, GuestBoard board) {
        this.context = context;
        this.board = board;
    }

    /** GET /api/state: what the page shows, read now ("refresh now"). */
    void state(Exchange ex, WebSession s) {
        Access access = context.access(s);
        context.later(ex, () -> new Reply(200, "application/json", board.stateNow(access)));
    }

    /** GET /api/events: the state now and at every change, as server-sent events, until the session ends. */
    void events(Exchange ex, WebSession s) {
        ex.response().setStatus(200);
        ex.response().getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        Runnable[] leave = new Runnable[1];
        EventStream[] stream = new EventStream[1];
        stream[0] = new EventStream(ex.response(), ex.callback(), () -> {
            s.remove(stream[0]);
            leave[0].run();
        });
        leave[0] = board.open(context.access(s), stream[0]);
        s.add(stream[0]);
    }

    /** GET /api/guests/NAME/(processes|log|log.txt). */
    void read(Exchange ex, WebSession s, Matcher route) {
        GuestActions actions = context.actions(s);
        Optional<GuestSupervisor> guest = visible(ex, actions, route.group(1));
        if (guest.isEmpty()) {
            return;
        }
        GuestSupervisor g = guest.get();
        if (!actions.may(GuestAction.LOG, g)) {
            ex.send(Reply.text(403, "this login may not read " + g.name()));
            return;
        }
        switch (route.group(2)) {
            case "processes" -> context.later(ex, () -> Reply.json(processes(s.watch(g.name(), () -> actions.processes(g))
                    .orElseThrow())));
            case "log" -> {
                s.used(Instant.now());
                long before = number(ex.query("before"));
                context.later(ex, () -> Reply.json(LogPage.read(context.logFile(g), before).json()));
            }
            case "log.txt" -> {
                s.used(Instant.now());
                download(ex, g);
            }
            default -> ex.send(Reply.text(404, "no such page"));
        }
    }

    /** POST /api/guests/NAME/(boot|reboot|shutdown), {@code mode} graceful or hard. */
    void act(Exchange ex, WebSession s, Matcher route, String mode) {
        Optional<GuestAction> action = ACTIONS.stream().filter(a -> a.word().equals(route.group(2))).findFirst();
        boolean hard = "hard".equals(mode);
        if (action.isEmpty() || (mode != null && !hard && !mode.equals("graceful"))) {
            ex.send(Reply.text(400, "the actions are boot, reboot and shutdown, each graceful or hard"));
            return;
        }
        GuestActions actions = context.actions(s);
        Optional<GuestSupervisor> guest = visible(ex, actions, route.group(1));
        if (guest.isEmpty()) {
            return;
        }
        GuestSupervisor g = guest.get();
        if (!actions.may(action.get(), g)) {
            context.audit(s, action.get().word(), g.name(), "refused:read-only");
            ex.send(Reply.text(403, "this login only watches " + g.name() + ": it may not " + action.get().word() + " it"));
            return;
        }
        context.later(ex, () -> {
            Outcome outcome = switch (action.get()) {
                case BOOT -> actions.boot(g);
                case REBOOT -> actions.reboot(g, hard);
                default -> actions.shutdown(g, hard);
            };
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("ok", outcome.ok());
            json.put("message", outcome.message());
            return Reply.json(outcome.ok() ? 200 : 409, json);
        });
    }

    /** The guest, if the login may see it; otherwise answers 404 as for a guest that does not exist. */
    private static Optional<GuestSupervisor> visible(Exchange ex, GuestActions actions, String name) {
        Optional<GuestSupervisor> guest = actions.visible(name);
        if (guest.isEmpty()) {
            ex.send(Reply.text(404, "no guest named '" + name + "'"));
        }
        return guest;
    }

    /** One look of a watch (used by one request at a time: a page polls after each answer). */
    private static Map<String, Object> processes(ProcessWatch watch) {
        ProcessWatch.Snapshot look;
        synchronized (watch) {
            look = watch.look();
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("guest", watch.guest().name());
        json.put("state", look.state().label());
        json.put("summary", look.stats().map(st -> String.format("load %.2f %.2f %.2f, %d/%d processes running, memory "
                + "%d/%d MB, kernel %s", st.load().one(), st.load().five(), st.load().fifteen(), st.load().running(),
                st.load().total(), st.memory().usedKib() / 1024, st.memory().totalKib() / 1024, st.kernelRelease()))
                .orElse(""));
        json.put("processes", look.rows().stream().map(r -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("pid", r.process().pid());
            row.put("state", String.valueOf(r.process().state()));
            row.put("cpu", Math.round(r.cpuPercent() * 10) / 10.0);
            row.put("rssKib", r.process().rssKib());
            row.put("command", Printable.of(r.process().command(), 200));
            return row;
        }).toList());
        return json;
    }

    /** The whole log as a file to save, never shown by the browser. */
    private void download(Exchange ex, GuestSupervisor guest) {
        Path file = context.logFile(guest);
        ex.response().setStatus(200);
        ex.response().getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
        ex.response().getHeaders().put(HttpHeader.CONTENT_DISPOSITION, "attachment; filename=\"" + guest.name() + ".log\"");
        if (Files.exists(file)) {
            Content.copy(Content.Source.from(file), ex.response(), ex.callback());
        } else {
            Content.Sink.write(ex.response(), true, "", ex.callback());
        }
    }

    private static long number(String text) {
        try {
            return text == null ? -1 : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
