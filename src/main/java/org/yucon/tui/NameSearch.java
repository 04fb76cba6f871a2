package org.yucon.tui;

import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/** The menu's {@code /} search: guest names that contain a text, in any case, found from a position onwards. */
final class NameSearch {
    private NameSearch() {
    }

    /**
     * The index of the next name after {@code from} (in steps of {@code step}: 1 forwards, -1 backwards, wrapping
     * round the list) that contains {@code text}, or -1 if none does. From -1 forwards, it is the first match.
     */
    static int next(List<String> names, String text, int from, int step) {
        String wanted = text.toLowerCase(Locale.ROOT);
        for (int i = 1; i <= names.size(); i++) {
            int at = Math.floorMod(from + step * i, names.size());
            if (names.get(at).toLowerCase(Locale.ROOT).contains(wanted)) {
                return at;
            }
        }
        return -1;
    }

    /** The indexes of the names that contain {@code text}, in order. */
    static List<Integer> matches(List<String> names, String text) {
        String wanted = text.toLowerCase(Locale.ROOT);
        return IntStream.range(0, names.size()).filter(i -> names.get(i).toLowerCase(Locale.ROOT).contains(wanted)).boxed().toList();
    }
}
