package org.yucon.console;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yucon.testing.RawConsole;

/**
 * Checks, line by line and without keeping them, that console output holds {@code rounds} times the lines
 * {@code 1} to {@code last} of {@code seq 1 last}, in order, then a line starting with {@code endMarker}. Lines up to
 * the one that contains {@code startMarker} (the echo of the command) are ignored; after it, the gateway's own
 * {@code [yucon]} lines are collected as notices, anything else is a deviation. Thread-safe: lines come from a reader thread, results are read by the test.
 */
final class SequenceCheck implements RawConsole.Lines {
    private static final int KEPT_DEVIATIONS = 10;
    private static final Pattern SKIPPED = Pattern.compile("\\[yucon\\] (\\d+) bytes of console output");

    private final long last;
    private final int rounds;
    private final String startMarker;
    private final String endMarker;
    private final List<String> deviations = new ArrayList<>();
    private final List<String> notices = new ArrayList<>();
    private boolean started;
    private int round = 1;
    private long next = 1;
    private long numbers;
    /** Bytes of the guest's output received from the line 1 on, not counting the gateway's notices. */
    private long received;
    /** Bytes the gateway said were skipped. */
    private long skipped;
    private long deviationCount;
    private String endLine;

    SequenceCheck(long last, int rounds, String startMarker, String endMarker) {
        this.last = last;
        this.rounds = rounds;
        this.startMarker = startMarker;
        this.endMarker = endMarker;
    }

    @Override
    public synchronized void line(String line) {
        if (endLine != null) {
            return;
        }
        if (line.startsWith(endMarker)) {
            endLine = line;
            return;
        }
        if (!started) {
            started = line.contains(startMarker);
            return;
        }
        if (line.contains("[yucon]")) {
            notices.add(line);
            // A notice starts with CR LF, which ended the (partial) line before it: that LF was not the guest's.
            received--;
            Matcher m = SKIPPED.matcher(line);
            if (m.find()) {
                skipped += Long.parseLong(m.group(1));
            }
            return;
        }
        received += line.length() + 1;
        if (isNumber(line)) {
            long n = Long.parseLong(line);
            numbers++;
            if (n == 1 && next == last + 1) {
                round++;
            } else if (n != next) {
                deviate("in round " + round + " after " + (next - 1) + " came " + n);
            }
            next = n + 1;
        } else {
            deviate("in round " + round + " after " + (next - 1) + " came '" + RawConsole.printable(line.length() > 80 ? line.substring(0, 80) + "..." : line) + "'");
        }
    }

    private void deviate(String what) {
        deviationCount++;
        if (deviations.size() < KEPT_DEVIATIONS) {
            deviations.add(what);
        }
    }

    private static boolean isNumber(String line) {
        if (line.isEmpty() || line.length() > 18) {
            return false;
        }
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) < '0' || line.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    synchronized boolean ended() {
        return endLine != null;
    }

    synchronized String endLine() {
        return endLine;
    }

    /** Every round of the numbers from 1 to last, in order, and nothing else between them. */
    synchronized boolean complete() {
        return endLine != null && round == rounds && next == last + 1 && numbers == last * rounds && deviationCount == 0
                && notices.isEmpty();
    }

    /**
     * The weaker promise, for a viewer that fell behind by more than the ring: what it received and what it was
     * told it missed add up to exactly {@code bytes}, the guest's output from the line 1 to the end marker.
     */
    synchronized boolean accountsFor(long bytes) {
        return endLine != null && received + skipped == bytes;
    }

    synchronized long skipped() {
        return skipped;
    }

    synchronized List<String> notices() {
        return List.copyOf(notices);
    }

    @Override
    public synchronized String toString() {
        return numbers + " number lines of " + last * rounds + " (round " + round + " of " + rounds + "), next expected "
                + next + ", " + deviationCount + " deviations "
                + deviations + ", gateway notices " + notices + ", " + received + " bytes received and " + skipped + " told skipped, end line " + (endLine == null ? "not seen" : "'" + endLine + "'");
    }
}
