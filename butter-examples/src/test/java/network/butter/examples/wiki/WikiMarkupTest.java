package network.butter.examples.wiki;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The wiki markup: headings, paragraphs, lists and links, and nothing a page could use to run script. */
class WikiMarkupTest {

    @Test
    void shouldRenderHeadingsParagraphsListsAndLinks() {
        String html = WikiMarkup.render("""
            # Butter
            Decentralised apps
            on a network.

            - see [[Peer Content Groups]]
            * and [[Chat|the chat]]
            ## More""", Set.of("Chat")::contains);

        assertThat(html).isEqualTo("""
            <h2>Butter</h2>
            <p>Decentralised apps on a network.</p>
            <ul>
            <li>see <a class="create" title="create this page" href="/edit?page=Peer+Content+Groups">Peer Content Groups</a></li>
            <li>and <a class="page" href="/view?page=Chat">the chat</a></li>
            </ul>
            <h3>More</h3>
            """);
    }

    @Test
    void shouldEscapeEveryTagAttributeAndEntityAPageContains() {
        String html = WikiMarkup.render("""
            <script>alert(1)</script> & <img src=x onerror=alert(2)>
            # <b>bold</b>
            - [[x" onmouseover="alert(3)]] [[A|<i>label</i>]]
            [[javascript:alert(4)]]""", name -> true);

        assertThat(html).doesNotContain("<script", "<img", "<b>", "<i>", "\" onmouseover");
        assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(2)&gt;");
        assertThat(html).contains("href=\"/view?page=x%22+onmouseover%3D%22alert%283%29\"");
        assertThat(html).contains(">&lt;i&gt;label&lt;/i&gt;</a>");
        assertThat(html).contains("href=\"/view?page=javascript%3Aalert%284%29\"");
    }

    @Test
    void shouldListTheNormalisedNamesOfLinkedPagesOnce() {
        assertThat(WikiMarkup.links("[[A  page]] and [[ A page |again]] and [[B]] and [[]]")).containsExactly("A page", "B");
    }
}
