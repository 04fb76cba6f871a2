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
}
