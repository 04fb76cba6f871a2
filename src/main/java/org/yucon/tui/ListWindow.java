package org.yucon.tui;

/**
 * The part of a long list that a screen shows: {@code rows} entries from {@code top}. It moves only as far as it must
 * to keep the selected entry in sight (as less and screen's window list scroll), and never leaves blank rows below
 * the list's end while the list could fill them.
 */
record ListWindow(int top, int rows) {
    static final ListWindow FIRST = new ListWindow(0, 1);

    /** The window of {@code height} rows nearest to this one that shows entry {@code selected} of {@code size}. */
    ListWindow showing(int selected, int size, int height) {
        int rows = Math.max(1, height);
        int top = Math.max(0, Math.min(this.top, size - rows));
        top = Math.min(top, selected);
        top = Math.max(top, selected - rows + 1);
        return new ListWindow(Math.max(0, top), rows);
    }

    /** One past the last entry shown of a list of {@code size}. */
    int end(int size) {
        return Math.min(size, top + rows);
    }
}
