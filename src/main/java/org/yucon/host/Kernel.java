package org.yucon.host;

import java.nio.file.Path;

/**
 * A UML kernel that passed the boot probe on this host.
 *
 * @param binary the executable to start a guest with
 * @param origin where it came from, e.g. "configured" or "debian sid user-mode-linux 7.2um1"
 */
public record Kernel(Path binary, String origin) {
}
