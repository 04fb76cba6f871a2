package org.yucon.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.yucon.config.GuestConfig;
import org.yucon.config.RestartPolicy;

class UmlCommandLineTest {

    @Test
    void guestWithTwoDisksBootsWithCowRootSecondDiskAndKernelArgsLast() {
        GuestConfig guest = new GuestConfig("web", "web-1", Optional.empty(), 64L << 20,
                List.of(new GuestConfig.Disk(Path.of("/img/root.img"), Optional.of(Path.of("/state/web.cow"))),
                        new GuestConfig.Disk(Path.of("/img/data.img"), Optional.empty())),
                List.of("quiet", "init=/bin/sh"), Duration.ofSeconds(30), RestartPolicy.never(),
                Path.of("/etc/yucon/guests/web.toml"));

        List<String> argv = UmlCommandLine.of(guest, Path.of("/k/linux"), Path.of("/state/uml"));

        assertEquals(List.of("/k/linux", "umid=web-1", "hostname=web", "uml_dir=/state/uml", "mem=64M",
                "ubd0=/state/web.cow,/img/root.img", "ubd1=/img/data.img", "root=/dev/ubda",
                "con0=fd:0,fd:1", "con=null", "ssl=null", "quiet", "init=/bin/sh"), argv);
    }
}
