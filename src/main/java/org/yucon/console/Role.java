package org.yucon.console;

/** A viewer's part on a console: exactly one writer at a time; the others watch, some asking for write. */
public enum Role {
    WRITER("writer"),
    /** Read-only, and in the queue for write: promoted in asking order when the writer leaves or gives up. */
    ASKING("read-only, asking for write"),
    READ_ONLY("read-only");

    private final String label;

    Role(String label) {
        this.label = label;
    }

    /** How {@code ^A w} shows it. */
    public String label() {
        return label;
    }
}
