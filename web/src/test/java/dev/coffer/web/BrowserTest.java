package dev.coffer.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A person's path through the app in real headless Chromium: sign in, search (and filter by
 * direction), open the
 * conversation around a hit, see an image, a reaction, an edit and a deletion, download a proof,
 * be refused a conversation outside the barrier, sign out. Screenshots of the main pages go to
 * target/screenshots/.
 */
class BrowserTest {
  @TempDir static Path dir;
  static WebFixture app;
  static ChromeDriver browser;

  @BeforeAll
  static void start() throws Exception {
    String why = Browser.unavailable();
    Assumptions.assumeTrue(why == null, why);
    app = new WebFixture(dir.resolve("data"));
    browser = Browser.start(dir.resolve("profile"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (app != null) {
      app.close();
    }
  }

  private void signIn(String name) {
    browser.get(app.base + "/login");
    browser.findElement(By.id("name")).sendKeys(name);
    browser.findElement(By.id("password")).sendKeys(WebFixture.PASSWORD);
    browser.findElement(By.cssSelector("form[action='/login'] button")).click();
  }

  private void signOut() {
    browser.findElement(By.cssSelector("form[action='/logout'] button")).click();
    // a form post's navigation may still be under way when click() returns
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.getCurrentUrl().endsWith("/login"));
    assertThat(browser.getCurrentUrl()).endsWith("/login");
  }

  @Test
  void reviewerFindsAPhraseReadsTheConversationAndIsRefusedOutsideTheBarrier() throws Exception {
    signIn("admin");
    Browser.screenshot(browser, "01-search-empty");
    assertThat(browser.getTitle()).contains("Search");

    WebElement q = browser.findElement(By.id("q"));
    q.sendKeys("\"never guarantee\"");
    q.submit();
    assertThat(browser.findElement(By.id("total")).getText()).startsWith("1");
    assertThat(browser.findElements(By.cssSelector(".hit mark"))).extracting(WebElement::getText)
        .anyMatch(t -> t.toLowerCase(java.util.Locale.ROOT).contains("never guarantee"));
    Browser.screenshot(browser, "02-search-hits");

    // the direction filter: what the firm's side (Sam Trader, from the directory) sent in the FX desk
    browser.get(app.base + "/search?conversation=" + DemoConversations.DESK_ID + "&kind=message");
    new org.openqa.selenium.support.ui.Select(browser.findElement(By.name("direction"))).selectByValue("outbound");
    browser.findElement(By.cssSelector("form.searchform button[type=submit]")).click();
    assertThat(browser.findElement(By.name("direction")).getAttribute("value")).isEqualTo("outbound");
    assertThat(browser.findElements(By.cssSelector(".hit .snippet .who"))).isNotEmpty()
        .extracting(WebElement::getText).allMatch(t -> t.startsWith("Sam Trader"));
    Browser.screenshot(browser, "02b-search-outbound");
    Browser.laptop(browser, "12-laptop-search");
    browser.get(app.base + "/search?q=%22never+guarantee%22");

    browser.findElement(By.cssSelector(".hit a.around")).click();
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.findElements(By.cssSelector(".chat")).size() == 1);
    assertThat(browser.findElement(By.id("ctitle")).getText()).isEqualTo("FX Desk London");
    // the hit is marked and focused
    assertThat(browser.findElements(By.cssSelector(".chat .target"))).hasSize(1);
    // an image, loaded from the archive
    WebElement img = browser.findElement(By.cssSelector(".thumb img"));
    Object width = browser.executeScript("return arguments[0].complete && arguments[0].naturalWidth", img);
    assertThat(((Number) width).intValue()).isEqualTo(480);
    // a reaction under a bubble, an edit with the earlier text, a deletion with what was deleted
    assertThat(browser.findElements(By.cssSelector(".reactions li"))).extracting(WebElement::getText)
        .anyMatch(t -> t.startsWith("👍"));
    WebElement edited = browser.findElement(By.xpath("//li[contains(@class,'msg')][.//details[contains(@class,'edits')]]"));
    assertThat(edited.findElement(By.cssSelector(".text")).getText()).contains("11:30");
    edited.findElement(By.cssSelector("details.edits summary")).click();
    assertThat(edited.findElement(By.cssSelector("details.edits p")).getText()).contains("11:00");
    WebElement deleted = browser.findElement(By.cssSelector("li.msg.deleted"));
    assertThat(deleted.findElement(By.cssSelector(".deletion")).getText()).contains("Deleted by Chris Doyle");
    assertThat(deleted.findElement(By.cssSelector(".text")).getText()).contains("bigger than they told compliance");
    assertThat(browser.findElements(By.cssSelector("audio"))).hasSize(1);
    // the voice note and the video are playable: the browser reads their media from the archive
    WebElement audio = browser.findElement(By.cssSelector("audio"));
    WebElement video = browser.findElement(By.cssSelector("video"));
    browser.executeScript("arguments[0].load(); arguments[1].load();", audio, video);
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> ((Number) browser.executeScript(
        "return Math.min(arguments[0].readyState, arguments[1].readyState)", audio, video)).intValue() >= 1);
    assertThat(browser.executeScript("return arguments[0].error", video)).isNull();
    Browser.screenshot(browser, "03-conversation-whatsapp");
    Browser.laptop(browser, "11-laptop-conversation");

    // keyboard: j moves focus to a message
    browser.findElement(By.tagName("body")).sendKeys("j");
    assertThat(browser.switchTo().activeElement().getAttribute("class")).containsAnyOf("msg", "event");

    // the image viewer
    browser.findElement(By.cssSelector("a.thumb")).click();
    assertThat(browser.findElement(By.id("viewer")).getAttribute("open")).isNotNull();
    Browser.screenshot(browser, "04-image-viewer");
    browser.findElement(By.cssSelector("#viewer button.close")).click();

    // record detail and its proof
    String recordUrl = browser.findElement(By.cssSelector("li.msg.deleted a.rec")).getAttribute("href");
    browser.get(recordUrl);
    assertThat(browser.findElement(By.cssSelector("pre.json")).getText()).contains("\"schema\" : \"coffer/1\"");
    Browser.screenshot(browser, "05-record");
    browser.findElement(By.id("proof")).click();
    Path downloads = dir.resolve("profile").resolve("downloads");
    new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> {
      try (var s = Files.list(downloads)) {
        return s.anyMatch(p -> p.getFileName().toString().startsWith("proof-") && p.toString().endsWith(".json"));
      } catch (java.io.IOException e) {
        return false;
      }
    });
    try (var s = Files.list(downloads)) {
      Path proof = s.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
      assertThat(Files.readString(proof)).contains("coffer-proof/1").contains("inclusionPath");
    }

    // WeChat style, Chinese text
    browser.get(app.base + "/c/" + DemoConversations.WECHAT_ID);
    assertThat(browser.findElement(By.cssSelector("section.conversation")).getAttribute("class")).contains("wechat");
    assertThat(browser.findElement(By.cssSelector(".chat")).getText()).contains("报价仅供参考");
    Browser.screenshot(browser, "06-conversation-wechat");

    browser.get(app.base + "/admin");
    Browser.screenshot(browser, "07-admin");
    browser.get(app.base + "/audit");
    assertThat(browser.findElements(By.cssSelector("table.audit tbody tr"))).isNotEmpty();
    Browser.screenshot(browser, "08-audit");
    browser.get(app.base + "/conversations");
    Browser.screenshot(browser, "09-conversations");
    signOut();

    // a reviewer confined to the FX desk
    signIn("rita");
    browser.get(app.base + "/conversations");
    List<String> titles = browser.findElements(By.cssSelector("table.list tbody a")).stream().map(WebElement::getText).toList();
    assertThat(titles).containsExactly("FX Desk London");
    browser.get(app.base + "/c/" + DemoConversations.PRIVATE_ID);
    assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Not found");
    assertThat(browser.getPageSource()).doesNotContain("Dana Whitfield");
    Browser.screenshot(browser, "10-refused");
    browser.get(app.base + "/search?q=structured+note");
    assertThat(browser.findElement(By.id("total")).getText()).startsWith("0");
    signOut();
    browser.get(app.base + "/search");
    assertThat(browser.getCurrentUrl()).contains("/login");
    Browser.screenshot(browser, "00-sign-in");
  }
}
