package org.yucon.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The web page's HTTPS server, from {@code [web]} in {@code etc/yucon.toml}.
 *
 * @param enabled       whether the gateway serves the page at all
 * @param listenAddress address the HTTPS server binds
 * @param port          its TCP port (0: any free one)
 * @param certificate   the server's certificate chain as PEM; empty: a self-signed one generated into the host key
 *                      directory
 * @param key           the certificate's private key as unencrypted PKCS#8 PEM; given exactly when the certificate is
 * @param idleTimeout   a page session unused this long is over
 * @param hostNames     the names the page may be asked for (the Host header): others are refused, against DNS
 *                      rebinding
 */
public record WebSettings(boolean enabled, String listenAddress, int port, Optional<Path> certificate,
                          Optional<Path> key, Duration idleTimeout, List<String> hostNames) {
    public WebSettings {
        hostNames = List.copyOf(hostNames);
    }

    public static final Duration IDLE_TIMEOUT = Duration.ofMinutes(30);
    public static final List<String> HOST_NAMES = List.of("localhost", "127.0.0.1", "[::1]");
}
