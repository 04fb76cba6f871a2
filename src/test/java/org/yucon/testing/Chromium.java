package org.yucon.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.yucon.util.FileTrees;

/**
 * Debian's headless Chromium, driven through its chromedriver (nothing downloaded), with a profile of its own that
 * {@link #close} deletes; it trusts the gateway's self-signed certificate. Shared by the web page's tests.
 */
public final class Chromium implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Path profile;
    private final WebDriver driver;

    private Chromium(Path profile, WebDriver driver) {
        this.profile = profile;
        this.driver = driver;
    }

    public static Chromium start(int width, int height) throws IOException {
        Path profile = Files.createTempDirectory("yucon-chromium-");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=" + width + "," + height);
        options.setAcceptInsecureCerts(true);
        try {
            return new Chromium(profile, new ChromeDriver(service, options));
        } catch (RuntimeException e) {
            FileTrees.delete(profile);
            throw e;
        }
    }

    public WebDriver driver() {
        return driver;
    }

    /**
     * What {@code reading} reads from the page, read again if the page drew those elements anew meanwhile: the live
     * tables are redrawn on each update, and an element found before that is stale after it.
     */
    public <T> T read(String what, Function<WebDriver, T> reading) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try {
                return reading.apply(driver);
            } catch (StaleElementReferenceException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw new AssertionError(what + ": redrawn under every read for " + TIMEOUT.toSeconds() + " s", e);
                }
            }
        }
    }

    /** Logs in through the login form, as a fresh visitor; waits for the guest table's page. */
    public void logIn(WebClient http, String login) {
        driver.manage().deleteAllCookies();
        driver.get(http.origin() + "/login");
        driver.findElement(By.name("login")).sendKeys(login);
        driver.findElement(By.name("password")).sendKeys(TestHost.PASSWORD);
        driver.findElement(By.cssSelector("button[type=submit]")).click();
        Await.until(login + " logged in", TIMEOUT, () -> driver.getCurrentUrl().equals(http.origin() + "/"),
                () -> driver.getCurrentUrl() + ": " + driver.findElement(By.tagName("body")).getText());
    }

    /** Waits for a line of the gateway's audit log that has all of {@code texts}. */
    public static void awaitAudit(TestHost host, String... texts) {
        Path log = host.config().gateway().stateDir().resolve("audit.log");
        Await.until("an audit line with " + List.of(texts), TIMEOUT, () -> read(log).lines()
                .anyMatch(line -> List.of(texts).stream().allMatch(line::contains)), () -> read(log));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            FileTrees.delete(profile);
        }
    }
}
