package org.yucon.guest;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import java.io.IOException;
import org.yucon.console.GuestTty;

/** The guest's console end, counting the keystroke bytes that reach it (one add per write, on the writer's thread). */
final class CountedTty implements GuestTty {
    private final GuestTty tty;
    private final CounterDataPoint sent;

    CountedTty(GuestTty tty, CounterDataPoint sent) {
        this.tty = tty;
        this.sent = sent;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        tty.write(bytes, offset, length);
        sent.inc(length);
    }

    @Override
    public boolean offer(byte[] bytes, int offset, int length) throws IOException {
        boolean taken = tty.offer(bytes, offset, length);
        if (taken) {
            sent.inc(length);
        }
        return taken;
    }

    @Override
    public void resize(int columns, int rows) throws IOException {
        tty.resize(columns, rows);
    }
}
