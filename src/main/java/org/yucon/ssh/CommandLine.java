package org.yucon.ssh;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.yucon.util.Printable;

/**
 * One parsed exec request: a verb, its flags and option values, its operands and at most one guest name.
 * Parsing never runs anything; words are plain (letters, digits, '-', '_', '.'), so no shell syntax can slip
 * through to anywhere.
 */
record CommandLine(Verb verb, Set<String> flags, Optional<String> guest, Map<String, String> options, List<String> operands) {
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    CommandLine {
        flags = Set.copyOf(flags);
        options = Map.copyOf(options);
        operands = List.copyOf(operands);
    }

    /** A command with neither option values nor operands. */
    CommandLine(Verb verb, Set<String> flags, Optional<String> guest) {
        this(verb, flags, guest, Map.of(), List.of());
    }

    /** @throws IllegalArgumentException with one sentence for the user */
    static CommandLine parse(String line) {
        String[] words = line.trim().split("\\s+");
        if (words.length == 0 || words[0].isEmpty()) {
            throw new IllegalArgumentException("no command given; try: help");
        }
        for (String w : words) {
            if (!WORD.matcher(w).matches()) {
                throw new IllegalArgumentException("'" + Printable.of(w, 80) + "' is not a word this gateway understands; try: help");
            }
        }
        Verb verb = Verb.named(words[0]).orElseThrow(
                () -> new IllegalArgumentException("unknown command '" + words[0] + "'; try: help"));
        Set<String> flags = new TreeSet<>();
        Map<String, String> options = new TreeMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 1; i < words.length; i++) {
            String w = words[i];
            if (verb.valueOptions().contains(w)) {
                if (i + 1 == words.length) {
                    throw new IllegalArgumentException(verb.word() + " " + w + " needs a value; usage: " + verb.usage());
                }
                options.put(w, words[++i]);
            } else if (w.startsWith("-")) {
                if (!verb.flags().contains(w)) {
                    throw new IllegalArgumentException(verb.word() + " has no option " + w + "; usage: " + verb.usage());
                }
                flags.add(w);
            } else {
                positional.add(w);
            }
        }
        return withPositionals(verb, flags, options, positional);
    }

    private static CommandLine withPositionals(Verb verb, Set<String> flags, Map<String, String> options, List<String> positional) {
        int operandCount = verb.operands().size();
        if (positional.size() < operandCount) {
            throw new IllegalArgumentException(verb.word() + " needs " + String.join(" ", verb.operands()) + "; usage: " + verb.usage());
        }
        int guests = positional.size() - operandCount;
        if (guests > 1 || (guests == 1 && !verb.takesGuest())) {
            throw new IllegalArgumentException("too many arguments; usage: " + verb.usage());
        }
        Optional<String> guest = guests == 1 ? Optional.of(positional.get(operandCount)) : Optional.empty();
        return new CommandLine(verb, flags, guest, options, positional.subList(0, operandCount));
    }
}
