package org.yucon.util;

import java.time.Duration;

/** A time since boot as uptime(1) says it, to the minute: "7 min", "3:05", "2 days, 3:05". */
public final class Uptime {
    private Uptime() {
    }

    public static String of(Duration d) {
        long minutes = d.toMinutes();
        long days = minutes / (24 * 60);
        String dayPart = days == 0 ? "" : days + (days == 1 ? " day, " : " days, ");
        long hours = minutes / 60 % 24;
        return days == 0 && hours == 0 ? minutes + " min" : dayPart + String.format("%d:%02d", hours, minutes % 60);
    }
}
