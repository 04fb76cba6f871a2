package org.yucon.config;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** Names, sizes and modification times of a directory's files: any edit, addition or removal changes it. */
public final class DirectoryStamp {
    private DirectoryStamp() {
    }

    public static String of(Path dir) {
        StringBuilder b = new StringBuilder();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            Map<String, String> sorted = new TreeMap<>();
            for (Path f : files) {
                sorted.put(f.getFileName().toString(), Files.size(f) + "@" + Files.getLastModifiedTime(f).toMillis());
            }
            sorted.forEach((name, v) -> b.append(name).append('=').append(v).append(';'));
        } catch (IOException e) {
            b.append("unreadable:").append(e.getMessage());
        }
        return b.toString();
    }
}
