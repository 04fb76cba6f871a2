package org.yucon.tui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ListWindowTest {
    private static final int SIZE = 100;
    private static final int ROWS = 17;

    @Test
    void aListThatFitsNeverScrolls() {
        assertEquals(new ListWindow(0, ROWS), new ListWindow(0, ROWS).showing(9, 10, ROWS));
        assertEquals(10, new ListWindow(0, ROWS).end(10));
    }

    @Test
    void movingDownScrollsOnlyOnceTheSelectionLeavesTheBottom() {
        ListWindow window = new ListWindow(0, ROWS).showing(16, SIZE, ROWS);
        assertEquals(0, window.top(), "the 17th row is still on screen");
        assertEquals(1, window.showing(17, SIZE, ROWS).top(), "the 18th is the last row after one step");
    }

    @Test
    void movingUpScrollsOnlyOnceTheSelectionLeavesTheTop() {
        ListWindow window = new ListWindow(40, ROWS);
        assertEquals(40, window.showing(45, SIZE, ROWS).top());
        assertEquals(39, window.showing(39, SIZE, ROWS).top());
    }

    @Test
    void theEndAndWrappingRoundShowAFullScreen() {
        assertEquals(new ListWindow(83, ROWS), new ListWindow(0, ROWS).showing(99, SIZE, ROWS), "End");
        assertEquals(100, new ListWindow(83, ROWS).end(SIZE));
        assertEquals(0, new ListWindow(83, ROWS).showing(0, SIZE, ROWS).top(), "Home, or j past the end");
    }

    @Test
    void aTallerScreenOrAShorterListLeavesNoBlankRowsBelowTheEnd() {
        assertEquals(60, new ListWindow(90, 40).showing(95, SIZE, 40).top(), "resized from 17 to 40 rows at the end");
        assertEquals(0, new ListWindow(50, ROWS).showing(5, 10, ROWS).top(), "guests removed");
    }

    @Test
    void aScreenWithNoRoomStillShowsTheSelection() {
        assertEquals(new ListWindow(7, 1), new ListWindow(0, ROWS).showing(7, SIZE, -3));
    }

    @Test
    void searchFindsTheFirstMatchThenTheNextAndPreviousRoundTheList() {
        List<String> names = List.of("web1", "db1", "Web2", "mail", "web3");
        assertEquals(0, NameSearch.next(names, "web", -1, 1), "the first from the top");
        assertEquals(2, NameSearch.next(names, "WEB", 0, 1), "n, in any case");
        assertEquals(0, NameSearch.next(names, "web", 4, 1), "n wraps round");
        assertEquals(4, NameSearch.next(names, "web", 0, -1), "N wraps round backwards");
        assertEquals(-1, NameSearch.next(names, "x", -1, 1));
        assertEquals(-1, NameSearch.next(List.of(), "web", -1, 1));
        assertEquals(List.of(0, 2, 4), NameSearch.matches(names, "web"));
    }
}
