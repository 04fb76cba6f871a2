package org.yucon.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * The demo guests' root filesystem: Debian's static busybox with init, getty and a root login without
 * password, packed into an ext4 image by {@code mke2fs -d}, so neither root privileges nor loop mounts are
 * needed. Many guests share the one image through their own copy-on-write files, so nothing guest-specific
 * is in it: a guest's hostname comes from {@code hostname=NAME} on its kernel command line.
 */
public final class DemoRootfs {

    /** The init the boot probe runs instead of busybox init. */
    static final String PROBE_INIT = "/probe";
    /** What {@link #PROBE_INIT} prints once the kernel runs userspace; the kernel's own log never contains it. */
    static final String PROBE_MARKER = "yucon-probe: userspace runs";

    private static final String PROBE_FILE = PROBE_INIT.substring(1);

    private static final String IMAGE_SIZE = "64M";
    private static final Duration BUSYBOX_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration MKE2FS_TIMEOUT = Duration.ofMinutes(1);

    private static final String INITTAB = """
            ::sysinit:/etc/init.d/rcS
            ::respawn:/sbin/getty -L 0 tty0 vt100
            ::ctrlaltdel:/sbin/poweroff
            ::shutdown:/bin/umount -a -r
            """;

    // UML consumes umid= and never shows it to the guest, hence hostname=. Kernels since 5.19 apply
    // hostname= themselves; the loop covers older ones.
    private static final String RCS = """
            #!/bin/sh
            mount -t proc proc /proc
            mount -t sysfs sysfs /sys
            grep -q ' /dev ' /proc/mounts || mount -t devtmpfs devtmpfs /dev
            mount -t tmpfs tmpfs /tmp
            mount -o remount,rw /
            for arg in $(cat /proc/cmdline); do
                case "$arg" in
                    hostname=*) hostname "${arg#hostname=}" ;;
                esac
            done
            """;

    private static final String PROBE = """
            #!/bin/sh
            echo '%s'
            poweroff -f
            """.formatted(PROBE_MARKER);

    private static final String PASSWD = "root::0:0:root:/root:/bin/sh\n";
    private static final String GROUP = "root:x:0:\n";
    private static final String PROFILE = "PS1='\\h:\\w\\$ '\n";

    private static final List<String> EMPTY_DIRS = List.of("proc", "sys", "dev", "tmp", "run", "root");

    private final Path dir;
    private final Consumer<String> progress;
    private final Archives archives;

    public DemoRootfs(Path cacheDir, Consumer<String> progress) {
        this(cacheDir, progress, new Archives(cacheDir, progress));
    }

    DemoRootfs(Path cacheDir, Consumer<String> progress, Archives archives) {
        // Absolute, because the image path ends up on UML command lines started from any directory.
        this.dir = cacheDir.toAbsolutePath().resolve("rootfs");
        this.progress = progress;
        this.archives = archives;
    }

    /** Builds cacheDir/rootfs/root.img unless it exists, and returns its path. */
    public Path image() throws ProvisioningException {
        Path image = dir.resolve("root.img");
        if (Files.isRegularFile(image)) {
            return image;
        }
        progress.accept("building the demo root filesystem " + image);
        Path tree = dir.resolve("tree");
        try {
            populate(tree);
            makeImage(tree, image);
        } finally {
            FileOps.deleteQuietly(tree);
        }
        return image;
    }

    private void populate(Path tree) throws ProvisioningException {
        FileOps.delete(tree);
        archives.suite(Archives.BOOKWORM).unpack("busybox-static", tree);
        linkApplets(tree);
        for (String empty : EMPTY_DIRS) {
            FileOps.createDirectories(tree.resolve(empty));
        }
        FileOps.createDirectories(tree.resolve("etc/init.d"));
        FileOps.write(tree.resolve("etc/inittab"), INITTAB);
        FileOps.write(tree.resolve("etc/passwd"), PASSWD);
        FileOps.write(tree.resolve("etc/group"), GROUP);
        FileOps.write(tree.resolve("etc/profile"), PROFILE);
        writeScript(tree.resolve("etc/init.d/rcS"), RCS);
        writeScript(tree.resolve(PROBE_FILE), PROBE);
    }

    /** The static busybox runs on the host too, so it lists its own applets' install paths. */
    private static void linkApplets(Path tree) throws ProvisioningException {
        Path busybox = tree.resolve("bin/busybox");
        String applets = new ExternalCommand(List.of(busybox.toString(), "--list-full"), BUSYBOX_TIMEOUT).run();
        for (String applet : applets.strip().split("\\s+")) {
            Path link = tree.resolve(applet);
            if (!Files.exists(link)) {
                FileOps.createDirectories(link.getParent());
                symlink(link, Path.of("/bin/busybox"));
            }
        }
    }

    private static void makeImage(Path tree, Path image) throws ProvisioningException {
        Path partial = image.resolveSibling(image.getFileName() + ".part");
        FileOps.delete(partial);
        new ExternalCommand(List.of("mke2fs", "-q", "-F", "-t", "ext4", "-d", tree.toString(),
                partial.toString(), IMAGE_SIZE), MKE2FS_TIMEOUT).run();
        try {
            Files.move(partial, image, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ProvisioningException("Could not move " + partial + " to " + image + ": " + e.getMessage(), e);
        }
    }

    private static void writeScript(Path file, String text) throws ProvisioningException {
        FileOps.write(file, text);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new ProvisioningException("Could not make " + file + " executable: " + e.getMessage(), e);
        }
    }

    private static void symlink(Path link, Path target) throws ProvisioningException {
        try {
            Files.createSymbolicLink(link, target);
        } catch (IOException e) {
            throw new ProvisioningException("Could not create link " + link + ": " + e.getMessage(), e);
        }
    }
}
