package org.yucon.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Finds a UML kernel that boots on this host. Whether a kernel works depends on the host CPU (Debian
 * bookworm's panics where the XSAVE area is large), so every candidate is booted rather than assumed to work.
 */
public final class KernelProvisioner {

    private static final Path INSTALLED = Path.of("/usr/bin/linux.uml");
    private static final String UML_PACKAGE = "user-mode-linux";
    private static final String UML_BINARY = "usr/bin/linux.uml";
    // Debian builds user-mode-linux for amd64 only, hence the fixed multiarch paths.
    private static final String LOADER = "usr/lib64/ld-linux-x86-64.so.2";
    private static final String LIBRARIES = "usr/lib/x86_64-linux-gnu";
    private static final Duration PATCHELF_TIMEOUT = Duration.ofMinutes(1);

    /** Produces a candidate kernel, which may mean downloading and unpacking it. */
    private interface KernelSource {
        Kernel obtain() throws ProvisioningException;
    }

    private record Candidate(String label, KernelSource source) {
    }

    private final Path cacheDir;
    private final Path kernelDir;
    private final Consumer<String> progress;
    private final Archives archives;
    private final KernelCache cache;

    public KernelProvisioner(Path cacheDir, Consumer<String> progress) {
        // Absolute, because the paths end up in a patched ELF interpreter and on UML command lines.
        this.cacheDir = cacheDir.toAbsolutePath();
        this.kernelDir = this.cacheDir.resolve("kernel");
        this.progress = progress;
        this.archives = new Archives(this.cacheDir, progress);
        this.cache = new KernelCache(kernelDir.resolve("kernel.properties"));
    }

    /**
     * Probes, in order, the configured kernel, an installed /usr/bin/linux.uml, Debian bookworm's and Debian
     * sid's user-mode-linux; the first that boots wins and is remembered, so later calls are instant and offline.
     */
    public Kernel provision(Optional<Path> configured) throws ProvisioningException {
        Optional<Kernel> cached = cache.load(configured);
        if (cached.isPresent()) {
            progress.accept(cached.get().origin() + ": chosen earlier (" + cache.file() + ")");
            return cached.get();
        }
        BootProbe probe = new BootProbe(new DemoRootfs(cacheDir, progress, archives).image());
        List<String> failures = new ArrayList<>();
        for (Candidate candidate : candidates(configured)) {
            Optional<Kernel> kernel = attempt(candidate, probe, failures);
            if (kernel.isPresent()) {
                cache.store(kernel.get(), configured);
                return kernel.get();
            }
        }
        throw new ProvisioningException(
                "No UML kernel passed the boot probe on this host: " + String.join("; ", failures) + ".");
    }

    private List<Candidate> candidates(Optional<Path> configured) {
        List<Candidate> candidates = new ArrayList<>();
        configured.ifPresent(path -> candidates.add(existing("configured", path.toAbsolutePath())));
        candidates.add(existing("installed", INSTALLED));
        candidates.add(new Candidate(debianLabel(Archives.BOOKWORM), () -> debian(Archives.BOOKWORM)));
        candidates.add(new Candidate(debianLabel(Archives.SID), this::sid));
        return candidates;
    }

    /** Obtains and probes one candidate, reporting the outcome as one progress line. */
    private Optional<Kernel> attempt(Candidate candidate, BootProbe probe, List<String> failures) {
        String failure;
        try {
            Kernel kernel = candidate.source().obtain();
            BootProbe.Outcome outcome = probe.probe(kernel.binary());
            if (outcome.passed()) {
                progress.accept(kernel.origin() + ": passes the boot probe");
                return Optional.of(kernel);
            }
            failure = kernel.origin() + ": fails the boot probe (" + outcome.reason() + ")";
        } catch (ProvisioningException e) {
            failure = candidate.label() + ": not available (" + withoutFinalPeriod(e.getMessage()) + ")";
        }
        progress.accept(failure);
        failures.add(failure);
        return Optional.empty();
    }

    private static Candidate existing(String how, Path binary) {
        String label = how + " " + binary;
        return new Candidate(label, () -> {
            if (!Files.isRegularFile(binary)) {
                throw new ProvisioningException("no such file");
            }
            return new Kernel(binary, label);
        });
    }

    private static String debianLabel(String suite) {
        return "debian " + suite + " " + UML_PACKAGE;
    }

    /** Unpacks the suite's user-mode-linux and keeps only the kernel binary; the modules are 100+ MB. */
    private Kernel debian(String suite) throws ProvisioningException {
        DebianArchive archive = archives.suite(suite);
        Path dir = kernelDir.resolve(suite);
        Path unpacked = dir.resolve("unpacked");
        Path binary = dir.resolve("linux.uml");
        try {
            FileOps.delete(unpacked);
            archive.unpack(UML_PACKAGE, unpacked);
            move(unpacked.resolve(UML_BINARY), binary);
        } finally {
            FileOps.deleteQuietly(unpacked);
        }
        return new Kernel(binary, debianLabel(suite) + " " + archive.version(UML_PACKAGE));
    }

    /**
     * Sid's kernel needs a newer glibc than the host has. It gets sid's own libc6 as its ELF interpreter and
     * rpath; starting it through that loader instead makes UML abort ("Too few physical memory").
     */
    private Kernel sid() throws ProvisioningException {
        Kernel kernel = debian(Archives.SID);
        Path libc = kernelDir.resolve(Archives.SID).resolve("libc");
        FileOps.delete(libc);
        archives.suite(Archives.SID).unpack("libc6", libc);
        new ExternalCommand(List.of(patchelf().toString(),
                "--set-interpreter", libc.resolve(LOADER).toString(),
                "--set-rpath", libc.resolve(LIBRARIES).toString(),
                kernel.binary().toString()), PATCHELF_TIMEOUT).run();
        return kernel;
    }

    /** patchelf from bookworm, unpacked rather than installed, because the host may not have it. */
    private Path patchelf() throws ProvisioningException {
        Path dir = cacheDir.resolve("tools").resolve("patchelf");
        Path binary = dir.resolve("usr/bin/patchelf");
        if (!Files.isExecutable(binary)) {
            FileOps.delete(dir);
            archives.suite(Archives.BOOKWORM).unpack("patchelf", dir);
        }
        return binary;
    }

    private static void move(Path from, Path to) throws ProvisioningException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ProvisioningException("Could not move " + from + " to " + to + ": " + e.getMessage(), e);
        }
    }

    private static String withoutFinalPeriod(String message) {
        return message.endsWith(".") ? message.substring(0, message.length() - 1) : message;
    }
}
