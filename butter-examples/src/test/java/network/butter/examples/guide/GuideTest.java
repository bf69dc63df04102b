package network.butter.examples.guide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import network.butter.node.ButterNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/GUIDE.md} true: runs the guide's code ({@link GuideSnippets}, {@link Pinboard}) and checks that
 * every code block the guide marks {@code <!-- snippet: NAME -->} is, line for line, the region between
 * {@code // snippet: NAME} and {@code // end: NAME} of those sources, and that its Maven coordinates are this build's.
 */
class GuideTest {

    private static final Path GUIDE = Path.of("..", "docs", "GUIDE.md");
    private static final Path SOURCES = Path.of("src", "test", "java", "network", "butter", "examples", "guide");
    private static final Duration BOUND = Duration.ofSeconds(30);

    private final List<ButterNode> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(ButterNode::close);
    }

    @Test
    void shouldAnswerTheGuidesFirstRequest() {
        assertThat(GuideSnippets.hello()).isEqualTo("hello, ana");
    }

    @Test
    void shouldReadThePinnedNoteAfterThePinnerLeft() {
        nodes.addAll(GuideSnippets.startNetwork(4));
        await().atMost(BOUND).until(() -> nodes.stream().allMatch(n -> n.knownHosts().hosts().size() == 3));

        assertThat(GuideSnippets.pinThenLeave(nodes)).containsExactly("Butter on toast at 8");
    }

    @Test
    void shouldShowInTheGuideExactlyTheCodeThatRuns() throws IOException {
        Map<String, String> regions = new LinkedHashMap<>();
        for (String source : List.of("GuideSnippets.java", "Pinboard.java")) {
            regions.putAll(regions(Files.readString(SOURCES.resolve(source))));
        }
        Map<String, String> shown = snippets(Files.readString(GUIDE));

        assertThat(shown.keySet()).containsExactlyInAnyOrderElementsOf(regions.keySet());
        shown.forEach((name, code) -> assertThat(code).as("snippet %s in %s", name, GUIDE).isEqualTo(regions.get(name)));
    }

    @Test
    void shouldNameThisBuildsVersionAndModulesInTheGuidesPom() throws IOException {
        String guide = Files.readString(GUIDE);
        Matcher parentVersion = Pattern.compile("<parent>.*?<version>([^<]+)</version>", Pattern.DOTALL)
            .matcher(Files.readString(Path.of("pom.xml")));
        assertThat(parentVersion.find()).isTrue();

        assertThat(guide).contains("<version>" + parentVersion.group(1) + "</version>");
        Matcher artifact = Pattern.compile("<artifactId>(butter-[a-z-]+)</artifactId>").matcher(guide);
        int named = 0;
        while (artifact.find()) {
            assertThat(Path.of("..", artifact.group(1), "pom.xml")).as("module %s", artifact.group(1)).exists();
            named++;
        }
        assertThat(named).isGreaterThanOrEqualTo(2);
    }

    /** The {@code // snippet: NAME} … {@code // end: NAME} regions of a source, without their common indentation. */
    private static Map<String, String> regions(String source) {
        Map<String, String> regions = new LinkedHashMap<>();
        Matcher region = Pattern.compile("(?m)^[ \\t]*// snippet: (\\S+)\\n(.*?)^[ \\t]*// end: \\1$", Pattern.DOTALL).matcher(source);
        while (region.find()) {
            regions.put(region.group(1), region.group(2).stripTrailing().stripIndent().strip());
        }
        return regions;
    }

    /** The code blocks of the guide that follow a {@code <!-- snippet: NAME -->} line. */
    private static Map<String, String> snippets(String guide) {
        Map<String, String> snippets = new LinkedHashMap<>();
        Matcher block = Pattern.compile("<!-- snippet: (\\S+) -->\\n```java\\n(.*?)```", Pattern.DOTALL).matcher(guide);
        while (block.find()) {
            snippets.put(block.group(1), block.group(2).strip());
        }
        return snippets;
    }
}
