package org.yucon.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class StatusJsonTest {
    @Test
    void jsonStringsEscapeWhatJsonRequires() {
        assertEquals("\"a\\\"b\\\\c\\u0007\"", StatusJson.string("a\"b\\c\u0007"));
    }

    /** What is not printable is escaped too, so that the JSON shown on a terminal does not act on it. */
    @Test
    void jsonStringsEscapeC1AndBidiControls() {
        assertEquals("\"a\\u009bb\\u202ec\"", StatusJson.string("a\u009bb\u202ec"));
    }
}
