package org.yucon.ssh;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One parsed exec request: a verb, its flags and at most one guest name. Parsing never runs anything; words
 * are plain (letters, digits, '-', '_', '.'), so no shell syntax can slip through to anywhere.
 */
record CommandLine(Verb verb, Set<String> flags, Optional<String> guest) {
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /** @throws IllegalArgumentException with one sentence for the user */
    static CommandLine parse(String line) {
        String[] words = line.trim().split("\\s+");
        if (words.length == 0 || words[0].isEmpty()) {
            throw new IllegalArgumentException("no command given; try: help");
        }
        for (String w : words) {
            if (!WORD.matcher(w).matches()) {
                throw new IllegalArgumentException("'" + Printable.of(w) + "' is not a word this gateway understands; try: help");
            }
        }
        Verb verb = Verb.named(words[0]).orElseThrow(
                () -> new IllegalArgumentException("unknown command '" + words[0] + "'; try: help"));
        List<String> guests = new ArrayList<>();
        Set<String> flags = new java.util.TreeSet<>();
        for (int i = 1; i < words.length; i++) {
            String w = words[i];
            if (w.startsWith("-")) {
                if (!verb.flags().contains(w)) {
                    throw new IllegalArgumentException(verb.usage().split(" ")[0] + " has no option " + w + "; usage: " + verb.usage());
                }
                flags.add(w);
            } else {
                guests.add(w);
            }
        }
        if (guests.size() > 1 || (!guests.isEmpty() && verb == Verb.HELP)) {
            throw new IllegalArgumentException("too many arguments; usage: " + verb.usage());
        }
        return new CommandLine(verb, flags, guests.stream().findFirst());
    }
}
