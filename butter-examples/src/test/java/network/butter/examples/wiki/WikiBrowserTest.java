package network.butter.examples.wiki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The wiki in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, which {@code .ci/run}
 * installs), as a person uses it: on node A's wiki create a page with a link, follow the link to create the second
 * page, edit, see the history, search by title; then open the page on node B's wiki, edit it there, and see the edit
 * on A. Skipped, saying why, where the browser is not installed.
 */
class WikiBrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration BOUND = Duration.ofSeconds(30);

    private final List<WikiNode> nodes = new ArrayList<>();
    private final List<WikiServer> servers = new ArrayList<>();
    private ChromeDriver browser;

    @BeforeEach
    void needsABrowser() {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
            "headless browser tests need Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)");
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        servers.forEach(WikiServer::close);
        nodes.forEach(WikiNode::close);
    }

    @Test
    void shouldCreateLinkEditSearchAndSeeHistoryInABrowserAndEditFromAnotherNodesWiki() throws Exception {
        WikiNode a = start(null, "ana");
        WikiNode b = start(a, "bo");
        start(a, "cy");
        start(a, "di");
        await().atMost(BOUND).until(() -> nodes.stream().allMatch(n -> n.knownHosts() >= 3 && n.wiki().peers().size() >= 3));
        String onA = serve(a);
        String onB = serve(b);
        browser = chromium();

        browser.get(onA);
        browser.findElement(By.id("new-page")).sendKeys("Butter Wiki");
        clickAndWait(By.id("create"), "/edit?page=Butter+Wiki");
        type("# Welcome\nPages live in the network's storage. See [[Recipes]].\n\n- <script>alert(1)</script> is only text");
        assertThat(browser.findElement(By.id("title")).getText()).isEqualTo("Butter Wiki");
        assertThat(browser.findElement(By.cssSelector("#content h2")).getText()).isEqualTo("Welcome");
        assertThat(browser.findElement(By.cssSelector("#content li")).getText()).isEqualTo("<script>alert(1)</script> is only text");
        Files.write(Path.of("target", "wiki-page.png"), browser.getScreenshotAs(OutputType.BYTES));

        WebElement missing = browser.findElement(By.cssSelector("#content a.create"));
        assertThat(missing.getText()).isEqualTo("Recipes");
        clickAndWait(missing, "/edit?page=Recipes");
        assertThat(browser.findElement(By.id("title")).getText()).isEqualTo("Create Recipes");
        type("Butter on toast. Back to [[Butter Wiki]].");
        clickAndWait(browser.findElement(By.cssSelector("#content a.page")), "/view?page=Butter+Wiki");
        assertThat(browser.findElement(By.cssSelector("#content a.page")).getText()).as("the link is no longer a create link").isEqualTo("Recipes");

        clickAndWait(By.id("edit-link"), "/edit?page=");
        browser.findElement(By.id("text")).clear();
        type("# Welcome\nEdited on A. See [[Recipes]].");
        assertThat(browser.findElement(By.id("content")).getText()).contains("Edited on A.");
        clickAndWait(By.id("history-link"), "/history?page=");
        List<WebElement> versions = browser.findElements(By.cssSelector("#history tbody tr"));
        assertThat(versions).hasSize(2);
        assertThat(versions.getFirst().getText()).contains("v2", "ana", "current");
        assertThat(versions.getLast().getText()).contains("v1", "ana");

        browser.get(onA);
        browser.findElement(By.id("q")).sendKeys("RECI");
        clickAndWait(By.id("search-button"), "?q=RECI");
        assertThat(browser.findElements(By.cssSelector("#pages li a"))).extracting(WebElement::getText).containsExactly("Recipes");

        await().atMost(BOUND).until(() -> b.wiki().current("Butter Wiki").map(r -> r.version() == 2).orElse(false));
        browser.get(onB + "view?page=Butter+Wiki");
        assertThat(browser.findElement(By.id("content")).getText()).contains("Edited on A.");
        clickAndWait(By.id("edit-link"), "/edit?page=");
        browser.findElement(By.id("text")).clear();
        type("# Welcome\nEdited on B. See [[Recipes]].");
        assertThat(browser.findElement(By.id("content")).getText()).contains("Edited on B.");

        await().atMost(BOUND).until(() -> a.wiki().current("Butter Wiki").map(r -> r.version() == 3).orElse(false));
        browser.get(onA + "view?page=Butter+Wiki");
        assertThat(browser.findElement(By.id("content")).getText()).contains("Edited on B.");
        assertThat(browser.findElement(By.cssSelector(".meta")).getText()).contains("Version 3", "bo");
        clickAndWait(By.id("history-link"), "/history?page=");
        assertThat(browser.findElements(By.cssSelector("#history tbody tr"))).extracting(WebElement::getText)
            .satisfiesExactly(v3 -> assertThat(v3).contains("v3", "bo", "current"), v2 -> assertThat(v2).contains("v2", "ana"),
                v1 -> assertThat(v1).contains("v1", "ana"));
        Files.write(Path.of("target", "wiki-history.png"), browser.getScreenshotAs(OutputType.BYTES));
    }

    /** Types into the editor, saves, and waits for the saved page. */
    private void type(String text) {
        browser.findElement(By.id("text")).sendKeys(text);
        clickAndWait(By.id("save"), "/view?page=");
    }

    /** Clicks and waits until the browser shows the page the click leads to, so no check reads the page before. */
    private void clickAndWait(By target, String urlPart) {
        clickAndWait(browser.findElement(target), urlPart);
    }

    private void clickAndWait(WebElement target, String urlPart) {
        target.click();
        await().atMost(BOUND).until(() -> browser.getCurrentUrl().contains(urlPart)
            && "complete".equals(browser.executeScript("return document.readyState")));
    }

    private WikiNode start(WikiNode bootstrap, String author) {
        WikiNode node = WikiNode.start(bootstrap == null ? null : bootstrap.node().address().hostPort(), author);
        nodes.add(node);
        return node;
    }

    private String serve(WikiNode node) {
        WikiServer server = WikiServer.start(node.wiki(), "127.0.0.1", 0);
        servers.add(server);
        return server.url();
    }

    /** A headless Chromium driven by the system's chromedriver. */
    private static ChromeDriver chromium() {
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
            .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1100,800");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
