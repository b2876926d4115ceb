package dev.coffer.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's Chromium and chromedriver, headless, installed with apt-get when missing. When they are
 * missing and apt cannot install them, {@link #unavailable()} says why (the browser tests then skip
 * with that message; every other test still runs).
 */
final class Browser {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  private static String unavailable;
  private static boolean checked;

  private Browser() {}

  /** Null when a browser is there (installing it if needed), else why not. */
  static synchronized String unavailable() {
    if (!checked) {
      checked = true;
      if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(DRIVER)) {
        try {
          run("apt-get", "update", "-qq");
          run("apt-get", "install", "-y", "-qq", "chromium", "chromium-driver", "fonts-wqy-microhei",
              "fonts-noto-color-emoji");
        } catch (IOException | InterruptedException e) {
          unavailable = "Chromium/chromedriver are missing and apt-get could not install them: " + e.getMessage();
        }
        if (unavailable == null && (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(DRIVER))) {
          unavailable = "Chromium/chromedriver are missing after apt-get install chromium chromium-driver";
        }
      }
    }
    return unavailable;
  }

  private static void run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    p.getOutputStream().close();
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", cmd) + " did not finish in 10 minutes");
    }
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue());
    }
  }

  static ChromeDriver start(Path profile) {
    ChromeOptions o = new ChromeOptions();
    o.setBinary(CHROMIUM.toFile());
    o.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--disable-quic", "--user-data-dir=" + profile, "--window-size=1366,900", "--lang=en-GB");
    o.setExperimentalOption("prefs", Map.of("download.default_directory", profile.resolve("downloads").toString(),
        "download.prompt_for_download", false));
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
        .usingAnyFreePort().build();
    ChromeDriver d = new ChromeDriver(service, o);
    d.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    return d;
  }

  static void screenshot(ChromeDriver d, String name) throws IOException {
    Path dir = Path.of("target", "screenshots");
    Files.createDirectories(dir);
    // Full page height from the top, so a long conversation or result list is visible at once.
    d.executeScript("window.scrollTo(0, 0)");
    Object h = d.executeScript("return Math.min(document.documentElement.scrollHeight, 4000)");
    d.manage().window().setSize(new org.openqa.selenium.Dimension(1366, Math.max(900, ((Number) h).intValue())));
    Files.write(dir.resolve(name + ".png"), d.getScreenshotAs(OutputType.BYTES));
    d.manage().window().setSize(new org.openqa.selenium.Dimension(1366, 900));
  }

  /** What a 1366×768 laptop shows (the window, not the whole page), for checking layout at that size. */
  static void laptop(ChromeDriver d, String name) throws IOException {
    Path dir = Path.of("target", "screenshots");
    Files.createDirectories(dir);
    d.manage().window().setSize(new org.openqa.selenium.Dimension(1366, 768));
    Files.write(dir.resolve(name + ".png"), d.getScreenshotAs(OutputType.BYTES));
    d.manage().window().setSize(new org.openqa.selenium.Dimension(1366, 900));
  }
}
