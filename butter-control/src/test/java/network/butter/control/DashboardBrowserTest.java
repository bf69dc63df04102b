package network.butter.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import network.butter.node.Butter;
import network.butter.node.ButterNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The dashboard in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}, which
 * {@code .ci/run} installs): it shows the node, its known hosts and live traffic, and keeps updating. Skipped, saying
 * why, where the browser is not installed.
 */
class DashboardBrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration BOUND = Duration.ofSeconds(30);

    private final List<ButterNode> nodes = new ArrayList<>();
    private ControlServer api;
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
        if (api != null) {
            api.close();
        }
        nodes.forEach(ButterNode::close);
    }

    @Test
    void shouldShowTheNodeItsKnownHostsAndLiveTraffic() throws Exception {
        ButterNode node = start(null);
        start(node);
        start(node);
        api = ControlServer.start(node, new ControlConfig("127.0.0.1", 0, null));
        browser = chromium();

        browser.get("http://127.0.0.1:" + api.address().getPort() + "/");

        await().atMost(BOUND).until(() -> browser.findElement(By.id("live")).getText().equals("live"));
        assertThat(browser.findElement(By.id("node-id")).getText()).isEqualTo(node.id().toString());
        await().atMost(BOUND).until(() -> browser.findElements(By.cssSelector("#hosts tbody tr td.mono")).size() == 2);
        await().atMost(BOUND).until(() -> !browser.findElements(By.cssSelector("#routes tbody tr")).isEmpty());
        await().atMost(BOUND).until(() -> !browser.findElement(By.id("msg-rate")).getText().equals("–"));
        assertThat(browser.findElement(By.id("addresses")).getText()).contains(node.address().toString());
        Path screenshot = Path.of("target", "dashboard.png");
        Files.write(screenshot, browser.getScreenshotAs(OutputType.BYTES));
    }

    private ButterNode start(ButterNode bootstrap) {
        ButterNode node = Butter.node(cfg -> {
            cfg.host("127.0.0.1").port(0);
            if (bootstrap != null) {
                cfg.bootstrap(bootstrap.address().hostPort());
            }
        }).start();
        nodes.add(node);
        return node;
    }

    /** A headless Chromium driven by the system's chromedriver. */
    static ChromeDriver chromium() {
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
            .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1300,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
