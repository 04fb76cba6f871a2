package org.yucon.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PrintableTest {
    @Test
    void printableTextIsKept() {
        String text = "uml1 Running (up 3 min) 6.1.176 Grüße 日本語 \ud83d\ude00 zero\u200dwidth joiner";
        assertEquals(text, Printable.of(text));
    }

    @Test
    void c0C1AndDelBecomeQuestionMarks() {
        assertEquals("a?[2Jb?c?d?e", Printable.of("a\u001b[2Jb\u009bc\u009dd\u007fe"));
        for (int c = 0; c < 0x20; c++) {
            assertFalse(Printable.isSafe(c), "C0 " + c);
        }
        for (int c = 0x7f; c <= 0x9f; c++) {
            assertFalse(Printable.isSafe(c), "DEL and C1 " + c);
        }
        assertTrue(Printable.isSafe(0xa0), "no-break space");
    }

    /** They make a line read other than it is ("gnp.exe" shown as "exe.png"), so they go. */
    @Test
    void bidiControlsAndLineSeparatorsBecomeQuestionMarks() {
        for (int c : new int[] {0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068,
                0x2069, 0x2028, 0x2029}) {
            assertEquals("a?b", Printable.of("a" + Character.toString(c) + "b"), Integer.toHexString(c));
        }
        assertTrue(Printable.isSafe(0x2065), "unassigned, between the ranges");
        assertTrue(Printable.isSafe(0x202f), "narrow no-break space");
    }

    @Test
    void aShortFormIsCutToItsLength() {
        assertEquals("abc", Printable.of("abcdef", 3));
        assertEquals("a?", Printable.of("a\n", 3));
    }

    @Test
    void linesKeepTheirBreaks() {
        assertEquals("sysrq: Show State\ntask:x y?z?w\n", Printable.lines("sysrq: Show State\r\ntask:x y\u009bz\u202ew\n"));
    }
}
