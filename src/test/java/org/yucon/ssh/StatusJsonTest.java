package org.yucon.ssh;

import org.yucon.util.JsonText;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StatusJsonTest {
    @Test
    void jsonStringsEscapeWhatJsonRequires() {
        assertEquals("\"a\\\"b\\\\c\\u0007\"", JsonText.string("a\"b\\c\u0007"));
    }

    /** What is not printable is escaped too, so that the JSON shown on a terminal does not act on it. */
    @Test
    void jsonStringsEscapeC1AndBidiControls() {
        assertEquals("\"a\\u009bb\\u202ec\"", JsonText.string("a\u009bb\u202ec"));
    }
}
