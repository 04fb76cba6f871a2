package org.yucon.config;

/**
 * How each guest's console is kept and shown.
 *
 * @param ringBytes   console output kept in memory per guest
 * @param replayBytes how much of it is replayed to a viewer on attach
 * @param replayLines how many lines the replay escape key ({@code ^A r}) shows again
 * @param escapeKey   the prefix byte of escape commands (Ctrl-A by default, as in screen); accounts may
 *                    choose their own
 */
public record ConsoleSettings(int ringBytes, int replayBytes, int replayLines, byte escapeKey) {
    public static final byte CTRL_A = 0x01;
}
