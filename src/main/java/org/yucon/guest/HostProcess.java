package org.yucon.guest;

/**
 * One host process of a guest (the UML itself or one of its {@code [uml-userspace]} children), as /proc shows it.
 *
 * @param cpuTicks user + system time so far, in clock ticks (USER_HZ, 100 a second on Linux)
 * @param rssKib   resident memory
 */
public record HostProcess(long pid, long ppid, char state, long cpuTicks, long rssKib, String command) {
}
