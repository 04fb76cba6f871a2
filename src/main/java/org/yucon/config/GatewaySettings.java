package org.yucon.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Settings of the gateway as a whole, from {@code etc/yucon.toml}.
 *
 * @param listenAddress address the SSH server binds
 * @param port          its TCP port
 * @param hostKeyDir    where the host keys are generated once and kept
 * @param stateDir      run-time state: UML sockets, COW files, console logs
 * @param kernel        the UML kernel guests boot unless their own file names one; empty means the one
 *                      {@code yucon kernel} provisioned
 * @param console       console hub settings
 * @param limits        defences of the logins
 * @param web           the web page's HTTPS server
 * @param metrics       the Prometheus scrape endpoint, off by default
 * @param recording     how console sessions are recorded
 * @param fleet         this host's name and its peers
 * @param bootsAtOnce   how many guests are in their kernel's start at once; the others wait their turn
 */
public record GatewaySettings(String listenAddress, int port, Path hostKeyDir, Path stateDir,
                              Optional<Path> kernel, ConsoleSettings console, LoginLimits limits,
                              WebSettings web, MetricsSettings metrics, RecordingSettings recording,
                              FleetSettings fleet, int bootsAtOnce) {
}
