package org.yucon.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DebianArchiveTest {

    private static final String BOOKWORM_SOURCES = """
            Types: deb
            # http://snapshot.debian.org/archive/debian/20250520T000000Z
            URIs: http://deb.debian.org/debian
            Suites: bookworm bookworm-updates
            Components: main
            Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

            Types: deb
            # http://snapshot.debian.org/archive/debian-security/20250520T000000Z
            URIs: http://deb.debian.org/debian-security
            Suites: bookworm-security
            Components: main
            Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
            """;

    @Test
    void mirrorIsTheUriOfTheMainSuite() throws ProvisioningException {
        assertEquals("http://deb.debian.org/debian", DebianArchive.mirrorOf(BOOKWORM_SOURCES));
    }

    @Test
    void securityStanzaFirstIsSkipped() throws ProvisioningException {
        String securityFirst = """
                Types: deb
                URIs: http://security.example/debian-security
                Suites: bookworm-security

                Types: deb-src deb
                URIs: http://mirror.example/debian/ http://other.example/debian
                Suites: bookworm
                """;
        assertEquals("http://mirror.example/debian", DebianArchive.mirrorOf(securityFirst));
    }

    @Test
    void sourceOnlyStanzaIsNoMirror() {
        String sourcesOnly = """
                Types: deb-src
                URIs: http://mirror.example/debian
                Suites: bookworm
                """;
        assertThrows(ProvisioningException.class, () -> DebianArchive.mirrorOf(sourcesOnly));
    }

    @Test
    void emptyFileIsNoMirror() {
        assertThrows(ProvisioningException.class, () -> DebianArchive.mirrorOf(""));
    }
}
