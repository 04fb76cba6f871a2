package org.yucon.guest;

/** The result of an action asked of a guest, as one sentence for the person who asked. */
public record Outcome(boolean ok, String message) {
    public static Outcome done(String message) {
        return new Outcome(true, message);
    }

    public static Outcome refused(String message) {
        return new Outcome(false, message);
    }
}
