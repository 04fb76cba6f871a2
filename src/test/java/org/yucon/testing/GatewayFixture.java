package org.yucon.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.yucon.util.FileTrees;

/**
 * One gateway with its guests and a MINA SSH user of it, shared by the tests of a class: started before the
 * class's own {@code @BeforeAll}, stopped after its {@code @AfterAll} (the client, then the gateway, its keeper and
 * every guest by pid), and its scratch directory removed, also when a test fails.
 *
 * <pre>{@code @RegisterExtension static final GatewayFixture gateway = GatewayFixture.of("uml1", "uml2");}</pre>
 */
public final class GatewayFixture implements BeforeAllCallback, AfterAllCallback {
    /** How a class's host is made, in a fresh directory. */
    @FunctionalInterface
    public interface HostStart {
        TestHost start(Path dir) throws Exception;
    }

    private final HostStart start;
    // Set before the class's tests run, on JUnit's thread, and read by them.
    private Path dir;
    private TestHost host;
    private SshUser ssh;

    private GatewayFixture(HostStart start) {
        this.start = start;
    }

    /** A host with these guests, as {@link TestHost#start} makes them. */
    public static GatewayFixture of(String... guests) {
        return new GatewayFixture(dir -> TestHost.start(dir, guests));
    }

    public static GatewayFixture startedBy(HostStart start) {
        return new GatewayFixture(start);
    }

    public TestHost host() {
        return host;
    }

    public SshUser ssh() {
        return ssh;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("yucon-it-");
        host = start.start(dir);
        ssh = SshUser.of(host);
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try {
            Closing.all(ssh, host);
        } finally {
            if (dir != null) {
                FileTrees.delete(dir);
            }
        }
    }
}
