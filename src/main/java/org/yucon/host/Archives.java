package org.yucon.host;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/** The Debian suites one provisioning run uses, each set up once so its package lists are fetched once. */
final class Archives {

    static final String BOOKWORM = "bookworm";
    static final String SID = "sid";

    private final Path cacheDir;
    private final Consumer<String> progress;
    private final Map<String, DebianArchive> bySuite = new HashMap<>();

    Archives(Path cacheDir, Consumer<String> progress) {
        this.cacheDir = cacheDir;
        this.progress = progress;
    }

    DebianArchive suite(String suite) throws ProvisioningException {
        DebianArchive archive = bySuite.get(suite);
        if (archive == null) {
            archive = DebianArchive.ofSystemMirror(cacheDir, suite, progress);
            bySuite.put(suite, archive);
        }
        return archive;
    }
}
