package org.yucon.web;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import org.yucon.recording.RecordingInfo;

/**
 * The HTML of the recordings' pages: the list, drawn here (each value through {@link Pages#text}), and one
 * recording's player, which {@code recording.js} starts. What a guest controls (the title, the output) reaches the
 * page only through the player, which draws it as text.
 */
final class RecordingPages {
    /** As {@code ssh HOST recordings} shows a start: the gateway's clock. */
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private RecordingPages() {
    }

    /** The recordings the login may see, of one guest or of all, newest first. */
    static String list(WebSession session, Optional<String> guest, List<RecordingInfo> recordings) {
        String heading = guest.map(g -> "Recordings of " + g).orElse("Recordings");
        StringBuilder rows = new StringBuilder();
        for (RecordingInfo r : recordings) {
            rows.append(row(r));
        }
        return Pages.page("yucon: " + heading.toLowerCase(), session.csrf(), """
                %s
                <main>
                <h1>%s</h1>
                %s
                <table id="recordings" class="guests recordings">
                <thead><tr><th>ID</th><th>Guest</th><th>Account</th><th>Start</th><th>Length</th><th>Size</th>
                <th>State</th><th>Recording</th></tr></thead>
                <tbody>
                %s</tbody>
                </table>
                %s
                </main>
                <link rel="stylesheet" href="/static/recordings.css">
                """.formatted(Pages.bar(session), Pages.text(heading),
                guest.isPresent() ? "<p><a href=\"/recordings\">All recordings this login may see</a></p>" : "",
                rows, recordings.isEmpty() ? "<p id=\"empty\" class=\"empty\">No recordings.</p>" : ""));
    }

    private static String row(RecordingInfo r) {
        String state = r.stopped().map(why -> "stopped: " + why).orElse(r.live() ? "live" : "");
        return """
                <tr data-id="%d"><td data-label="ID">%d</td><td data-label="Guest" class="name"><a href="/recordings?guest=%s">%s</a></td>
                <td data-label="Account">%s</td><td data-label="Start">%s</td><td data-label="Length">%s</td>
                <td data-label="Size">%s</td><td data-label="State">%s</td>
                <td data-label="Recording"><a class="button play" href="%s">Play</a> <a class="button download" href="%s" download>Download</a></td></tr>
                """.formatted(r.id(), r.id(), Pages.text(r.guest()), Pages.text(r.guest()), Pages.text(r.account()),
                CLOCK.format(r.start()), r.lengthText(), r.sizeText(), Pages.text(state), player(r.id()), cast(r.id()));
    }

    /** One recording in asciinema-player, which fetches the file from {@link #cast}. */
    static String player(WebSession session, RecordingInfo r) {
        return Pages.page("yucon: recording " + r.id() + " of " + r.guest(), session.csrf(), """
                %s
                <main>
                <h1>Recording %d of <a href="/recordings?guest=%s">%s</a></h1>
                <p class="facts">Account <b>%s</b>, started %s, length %s, size %s</p>
                <div id="player" class="player" data-src="%s"></div>
                <p><a class="button download" href="%s" download>Download</a> <a href="/recordings">All recordings</a></p>
                </main>
                <link rel="stylesheet" href="/static/asciinema-player.css">
                <link rel="stylesheet" href="/static/recordings.css">
                <script src="/static/asciinema-player.js"></script>
                <script src="/static/recording.js"></script>
                """.formatted(Pages.bar(session), r.id(), Pages.text(r.guest()), Pages.text(r.guest()),
                Pages.text(r.account()), CLOCK.format(r.start()), r.lengthText(), r.sizeText(), cast(r.id()), cast(r.id())));
    }

    static String player(long id) {
        return "/recordings/" + id;
    }

    static String cast(long id) {
        return "/api/recordings/" + id + ".cast";
    }
}
