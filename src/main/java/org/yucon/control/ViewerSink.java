package org.yucon.control;

import java.io.IOException;
import org.yucon.console.ConsoleSink;

/**
 * Where a person's view of a console goes, whichever front carries it (an SSH channel today): the guest's output, and
 * the gateway's own lines set apart from it. Output and lines share one order, so a line never lands inside output.
 */
public interface ViewerSink extends ConsoleSink {
    /** Lines of the gateway's own, shown as text (they may quote a guest's kernel); never blocks on a held sink. */
    void tell(String... lines) throws IOException;

    /** Console output shown again, between two lines that say so ({@code what} is shown). */
    void replay(byte[] output, String what) throws IOException;

    /** Stops console output until {@link #release}, while something else has the screen. */
    void hold();

    /** Shows the lines told meanwhile, then lets the output catch up. */
    void release() throws IOException;
}
