package network.butter.examples.wiki;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The wiki's small markup, turned into safe HTML. Every character of the text is HTML-escaped; the only tags in the
 * output are the ones this class writes, so a page cannot carry script into a reader's browser.
 *
 * <ul>
 *   <li>{@code # Title}, {@code ## Section}, {@code ### Subsection}: headings;</li>
 *   <li>lines starting with {@code - } or {@code * }: a list;</li>
 *   <li>other lines: paragraphs, separated by blank lines;</li>
 *   <li>{@code [[Page Name]]} or {@code [[Page Name|shown text]]}: a link to a page; a page that does not exist yet
 *       links to its editor, styled as a "create" link.</li>
 * </ul>
 */
public final class WikiMarkup {

    private static final Pattern LINK = Pattern.compile("\\[\\[([^\\[\\]|\\n]{1,200})(?:\\|([^\\[\\]\\n]{1,200}))?]]");
    private static final Pattern HEADING = Pattern.compile("(#{1,3}) +(.*)");

    private WikiMarkup() {
    }

    /**
     * Renders {@code text}.
     *
     * @param exists whether a page of a (normalised) name exists, to style links to missing pages
     */
    public static String render(String text, Predicate<String> exists) {
        StringBuilder html = new StringBuilder(text.length() * 2);
        List<String> paragraph = new ArrayList<>();
        boolean inList = false;
        for (String raw : text.split("\\R", -1)) {
            String line = raw.strip();
            Matcher heading = HEADING.matcher(line);
            boolean item = line.startsWith("- ") || line.startsWith("* ");
            if (line.isEmpty() || heading.matches() || item) {
                flush(paragraph, html, exists);
            }
            if (!item && inList) {
                html.append("</ul>\n");
                inList = false;
            }
            if (heading.matches()) {
                int level = heading.group(1).length() + 1;
                html.append("<h").append(level).append('>').append(inline(heading.group(2), exists)).append("</h").append(level).append(">\n");
            } else if (item) {
                if (!inList) {
                    html.append("<ul>\n");
                    inList = true;
                }
                html.append("<li>").append(inline(line.substring(2).strip(), exists)).append("</li>\n");
            } else if (!line.isEmpty()) {
                paragraph.add(line);
            }
        }
        flush(paragraph, html, exists);
        if (inList) {
            html.append("</ul>\n");
        }
        return html.toString();
    }

    /** The names of the pages {@code text} links to, normalised, in order of first appearance. */
    public static Set<String> links(String text) {
        Set<String> links = new LinkedHashSet<>();
        Matcher link = LINK.matcher(text);
        while (link.find()) {
            String name = PageName.normalise(link.group(1));
            if (isPageName(name)) {
                links.add(name);
            }
        }
        return links;
    }

    /** Escapes the five characters that matter in HTML text and attribute values. */
    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** The query-string form of a page name, for links such as {@code /view?page=}. */
    public static String urlName(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    private static void flush(List<String> paragraph, StringBuilder html, Predicate<String> exists) {
        if (!paragraph.isEmpty()) {
            html.append("<p>").append(inline(String.join(" ", paragraph), exists)).append("</p>\n");
            paragraph.clear();
        }
    }

    private static boolean isPageName(String name) {
        try {
            PageName.check(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Escapes a line and turns its links into anchors. */
    private static String inline(String line, Predicate<String> exists) {
        StringBuilder out = new StringBuilder();
        Matcher link = LINK.matcher(line);
        int at = 0;
        while (link.find()) {
            out.append(escape(line.substring(at, link.start())));
            String name = PageName.normalise(link.group(1));
            String shown = link.group(2) != null ? link.group(2).strip() : name;
            if (!isPageName(name)) {
                out.append(escape(link.group()));
            } else if (exists.test(name)) {
                out.append("<a class=\"page\" href=\"/view?page=").append(escape(urlName(name))).append("\">")
                    .append(escape(shown)).append("</a>");
            } else {
                out.append("<a class=\"create\" title=\"create this page\" href=\"/edit?page=").append(escape(urlName(name)))
                    .append("\">").append(escape(shown)).append("</a>");
            }
            at = link.end();
        }
        return out.append(escape(line.substring(at))).toString();
    }
}
