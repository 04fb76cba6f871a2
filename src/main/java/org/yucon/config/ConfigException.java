package org.yucon.config;

import java.nio.file.Path;

/** A configuration error: one sentence that names the file and, where known, the line. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(Path file, int line, String problem) {
        super(line > 0 ? file + " line " + line + ": " + problem : file + ": " + problem);
    }

    public ConfigException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
