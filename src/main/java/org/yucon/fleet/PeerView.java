package org.yucon.fleet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the entry gateway last learnt of one peer.
 *
 * @param name   the peer's host name
 * @param up     whether its last answer came in time
 * @param reason why it is down (one sentence), empty when up
 * @param since  when it went up or down
 * @param guests the guests it holds, as of its last answer
 * @param states each guest's state word, in the order of {@code guests}
 * @param load   its load averages, as its menu header shows them
 * @param memory its memory, used/total
 */
public record PeerView(String name, boolean up, String reason, Instant since, List<String> guests, List<String> states,
                       String load, String memory) {
    public PeerView {
        guests = List.copyOf(guests);
        states = List.copyOf(states);
    }

    static PeerView unknown(String name) {
        return new PeerView(name, false, "not reached yet", Instant.now(), List.of(), List.of(), "", "");
    }

    PeerView down(String why) {
        return new PeerView(name, false, why, up ? Instant.now() : since, guests, states, load, memory);
    }

    /** The peer's answer to {@code fleet-guests}: lines {@code load L}, {@code memory M}, {@code guest NAME STATE}. */
    PeerView answered(String text) {
        String newLoad = "";
        String newMemory = "";
        List<String> names = new ArrayList<>();
        List<String> words = new ArrayList<>();
        for (String line : text.split("\n")) {
            int space = line.indexOf(' ');
            String word = space < 0 ? line : line.substring(0, space);
            String rest = space < 0 ? "" : line.substring(space + 1).strip();
            switch (word) {
                case "load" -> newLoad = rest;
                case "memory" -> newMemory = rest;
                case "guest" -> {
                    String[] nameAndState = rest.split(" ", 2);
                    names.add(nameAndState[0]);
                    words.add(nameAndState.length > 1 ? nameAndState[1] : "");
                }
                default -> { }
            }
        }
        return new PeerView(name, true, "", up ? since : Instant.now(), names, words, newLoad, newMemory);
    }
}
