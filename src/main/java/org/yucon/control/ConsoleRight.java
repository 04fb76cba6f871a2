package org.yucon.control;

/** How a login may be on a guest's console: not at all, watching only, or writing when it holds write. */
public enum ConsoleRight {
    NONE, WATCH, WRITE
}
