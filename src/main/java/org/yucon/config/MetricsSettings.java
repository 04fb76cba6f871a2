package org.yucon.config;

import java.util.Optional;

/**
 * {@code [metrics]} of {@code yucon.toml}: where the Prometheus scrape endpoint listens, if anywhere. Off unless
 * {@code listen} is set; a bare port listens on the loopback address only, since the figures (guest names, logins
 * refused) are for the host's own monitoring, not for the network.
 *
 * @param address the address to bind, empty when metrics are off
 * @param port    its TCP port
 */
public record MetricsSettings(Optional<String> address, int port) {
    public static final MetricsSettings OFF = new MetricsSettings(Optional.empty(), 0);

    public boolean enabled() {
        return address.isPresent();
    }

    /**
     * {@code "9323"}, {@code "127.0.0.1:9323"} or {@code "[::1]:9323"}; empty is off; port 0 takes a free one (the
     * gateway prints it). Null when malformed.
     */
    static MetricsSettings parse(String listen) {
        if (listen.isEmpty()) {
            return OFF;
        }
        int colon = listen.lastIndexOf(':');
        String host = colon < 0 ? "127.0.0.1" : listen.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String port = listen.substring(colon + 1);
        if (host.isEmpty() || !port.matches("[0-9]{1,5}") || Integer.parseInt(port) > 65535) {
            return null;
        }
        return new MetricsSettings(Optional.of(host), Integer.parseInt(port));
    }
}
