package org.yucon.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.yucon.config.MetricsSettings;

/**
 * The scrape endpoint ({@code GET /metrics}, Prometheus' text format) on a listener of its own, apart from SSH.
 * One thread answers scrapes: a scrape is rare and small, and it must never take the gateway's threads.
 */
public final class MetricsServer implements AutoCloseable {
    private final HTTPServer server;

    private MetricsServer(HTTPServer server) {
        this.server = server;
    }

    public static MetricsServer start(MetricsSettings settings, Metrics metrics) throws IOException {
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "metrics");
            t.setDaemon(true);
            return t;
        });
        try {
            return new MetricsServer(HTTPServer.builder().hostname(settings.address().orElseThrow()).port(settings.port())
                    .registry(metrics.registry()).executorService(thread).buildAndStart());
        } catch (IOException e) {
            thread.shutdownNow();
            throw new IOException("the metrics listener " + settings.address().get() + ":" + settings.port()
                    + " could not be opened: " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
