package org.yucon.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yucon.config.WebSettings;

class WebCertificateTest {
    private static final WebSettings SELF_SIGNED = new WebSettings(true, "127.0.0.1", 0, Optional.empty(),
            Optional.empty(), Duration.ofMinutes(30), List.of("localhost", "127.0.0.1", "[::1]", "uml-host1.example"));

    @TempDir
    Path dir;

    @Test
    void aSelfSignedCertificateIsMadeOncePrivateAndNamesTheHosts() throws Exception {
        WebCertificate.Loaded first = WebCertificate.ensure(SELF_SIGNED, dir);
        for (String file : List.of("web_cert.pem", "web_key.pem")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(file))), file);
        }
        X509Certificate cert;
        try (InputStream in = Files.newInputStream(dir.resolve("web_cert.pem"))) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        cert.verify(cert.getPublicKey());
        cert.checkValidity();
        assertEquals("CN=yucon", cert.getSubjectX500Principal().getName());
        assertEquals("[[2, localhost], [7, 127.0.0.1], [7, 0:0:0:0:0:0:0:1], [2, uml-host1.example]]",
                cert.getSubjectAlternativeNames().toString());
        assertTrue(first.fingerprint().matches("SHA256:([0-9A-F]{2}:){31}[0-9A-F]{2}"), first.fingerprint());
        assertEquals(first.fingerprint(), WebCertificate.ensure(SELF_SIGNED, dir).fingerprint(), "made once, then kept");
    }

    @Test
    void aKeyOthersCanReadIsRefused() throws Exception {
        WebCertificate.ensure(SELF_SIGNED, dir);
        Path key = dir.resolve("web_key.pem");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        IOException e = assertThrows(IOException.class, () -> WebCertificate.ensure(SELF_SIGNED, dir));
        assertEquals("the web key " + key + " can be read by others (rw-r--r--); run chmod 600 " + key, e.getMessage());
    }

    @Test
    void aKeyThatIsNotPkcs8IsRefusedWithHowToConvertIt() throws Exception {
        WebCertificate.ensure(SELF_SIGNED, dir);
        Path key = dir.resolve("web_key.pem");
        Files.writeString(key, "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n");
        IOException e = assertThrows(IOException.class, () -> WebCertificate.ensure(SELF_SIGNED, dir));
        assertTrue(e.getMessage().startsWith("the web key " + key + " is not an unencrypted PKCS#8 PEM key"), e.getMessage());
    }
}
