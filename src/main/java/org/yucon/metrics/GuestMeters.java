package org.yucon.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;

/**
 * One guest's counters, looked up once per guest so that counting on a console's path is one add, no map lookup.
 *
 * @param boots      boots started (by a person, autostart or the restart policy)
 * @param crashes    exits nobody asked for
 * @param restarts   boots made by the restart policy
 * @param bootHangs  boots killed by the boot watchdog because they hung
 * @param consoleIn  keystroke bytes sent to the guest's console
 * @param consoleOut output bytes the gateway received from the guest's console
 * @param skipped    output bytes that slow viewers skipped (each viewer's share counted)
 */
public record GuestMeters(CounterDataPoint boots, CounterDataPoint crashes, CounterDataPoint restarts,
                          CounterDataPoint bootHangs,
                          CounterDataPoint consoleIn, CounterDataPoint consoleOut, CounterDataPoint skipped) {
}
