package org.yucon.guest;

/**
 * One host process of a guest (the UML itself, one of its guest address spaces or helper threads), as /proc shows it.
 *
 * @param cpuTicks user + system time so far, in clock ticks (USER_HZ, 100 a second on Linux)
 * @param rssKib   resident memory
 * @param command  what it is: the UML's command line, {@code [uml-userspace]}, {@code [uml-helper]}, or the command
 *                 line of a program the UML ran
 */
public record HostProcess(long pid, long ppid, char state, long cpuTicks, long rssKib, String command) {
}
