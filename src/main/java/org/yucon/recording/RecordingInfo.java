package org.yucon.recording;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One recording as a listing shows it, whichever front lists it.
 *
 * @param id      the number that names it in the {@code recording} and {@code play} verbs
 * @param guest   whose console it recorded
 * @param account the login that viewed it
 * @param address where that login came from
 * @param start   when the viewer attached
 * @param length  from the start to the last thing recorded
 * @param bytes   the file's size
 * @param live    the viewer is still on the console
 * @param stopped why the recording stopped before the viewer left (the disk was full or slow), if it did
 */
public record RecordingInfo(long id, String guest, String account, String address, Instant start, Duration length,
                            long bytes, boolean live, Optional<String> stopped) {
    /** The length as every listing shows it, {@code H:MM:SS}. */
    public String lengthText() {
        return String.format("%d:%02d:%02d", length.toHours(), length.toMinutesPart(), length.toSecondsPart());
    }

    /** The size as every listing shows it: bytes, then KiB, then MiB, each below five digits where it can. */
    public String sizeText() {
        return bytes < 10_000 ? bytes + "B" : bytes < 10_000_000 ? bytes / 1024 + "K" : bytes / (1024 * 1024) + "M";
    }
}
