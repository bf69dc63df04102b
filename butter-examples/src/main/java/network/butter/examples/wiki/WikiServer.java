package network.butter.examples.wiki;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wiki in a browser: a small web server on loopback (the JDK's, one virtual thread per request) with pages to
 * list and search pages, view one, edit it, and see its history.
 *
 * <table>
 *   <caption>Pages</caption>
 *   <tr><td>{@code GET /?q=}</td><td>every page, or those whose name contains q; a box to open or create one</td></tr>
 *   <tr><td>{@code GET /view?page=&version=}</td><td>a page's current version, or the given one</td></tr>
 *   <tr><td>{@code GET /edit?page=&from=}</td><td>the editor, filled with the current version or the given one</td></tr>
 *   <tr><td>{@code POST /save}</td><td>saves a version and shows the page</td></tr>
 *   <tr><td>{@code GET /history?page=}</td><td>every version with its author, time and parent</td></tr>
 * </table>
 *
 * <p>It listens on a loopback address only. Against other web sites open in the same browser it answers only
 * requests whose {@code Host} is its own loopback address (no DNS rebinding) and saves only forms that carry the
 * random token of this server's pages (no cross-site posts); every page forbids scripts, frames and foreign forms
 * through its Content-Security-Policy, on top of {@link WikiMarkup}'s escaping.
 */
public final class WikiServer implements AutoCloseable {

    /** The original Butter wiki's port. */
    public static final int DEFAULT_PORT = 8000;
    /** Largest form accepted: a page's text, URL-encoded, with room to spare. */
    static final int MAX_FORM_BYTES = 4 * PageContent.MAX_TEXT_BYTES;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    private static final String SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'";
    private static final Logger LOG = LoggerFactory.getLogger(WikiServer.class);

    private final Wiki wiki;
    private final HttpServer http;
    private final ExecutorService exchanges = Executors.newVirtualThreadPerTaskExecutor();
    private final String formToken;

    private WikiServer(Wiki wiki, HttpServer http) {
        this.wiki = wiki;
        this.http = http;
        byte[] token = new byte[16];
        new SecureRandom().nextBytes(token);
        this.formToken = HexFormat.of().formatHex(token);
    }

    /**
     * Serves {@code wiki} on {@code host:port}.
     *
     * @param host a loopback address, e.g. 127.0.0.1
     * @param port the port; 0 picks a free one
     * @throws IllegalArgumentException if {@code host} is not a loopback address: the wiki has no accounts, so
     *                                  whoever reaches it may edit as this node's author
     * @throws UncheckedIOException     if the port cannot be bound, e.g. it is in use
     */
    public static WikiServer start(Wiki wiki, String host, int port) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (IOException e) {
            throw new IllegalArgumentException("unknown host " + host, e);
        }
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("the wiki serves only a loopback address (e.g. 127.0.0.1), not " + host
                + ": whoever reaches it edits as this node's author");
        }
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(address, port), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve the wiki on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        WikiServer server = new WikiServer(wiki, http);
        http.setExecutor(server.exchanges);
        http.createContext("/", server::handle);
        http.start();
        return server;
    }

    /** Where the server listens. */
    public InetSocketAddress address() {
        return http.getAddress();
    }

    /** The address to open in a browser. */
    public String url() {
        return "http://" + address().getAddress().getHostAddress() + ":" + address().getPort() + "/";
    }

    /** Stops serving; the wiki and its node stay up. */
    @Override
    public void close() {
        http.stop(0);
        exchanges.shutdownNow();
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            respond(exchange);
        } catch (IOException e) {
            LOG.debug("wiki request {} failed: {}", exchange.getRequestURI(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("wiki request {} failed", exchange.getRequestURI(), e);
        }
    }

    private void respond(HttpExchange exchange) throws IOException {
        if (!ownHost(exchange.getRequestHeaders().getFirst("Host"))) {
            send(exchange, 421, "Wrong host", "<p>This wiki answers only at " + WikiMarkup.escape(url()) + ".</p>");
            return;
        }
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        Map<String, String> query = parse(exchange.getRequestURI().getRawQuery());
        switch (method + " " + path) {
            case "GET /" -> list(exchange, query.getOrDefault("q", ""));
            case "GET /view" -> view(exchange, query);
            case "GET /edit" -> edit(exchange, query);
            case "GET /history" -> history(exchange, query);
            case "POST /save" -> save(exchange);
            default -> send(exchange, 404, "Not found", "<p>There is nothing at " + WikiMarkup.escape(path) + ". <a href=\"/\">All pages</a></p>");
        }
    }

    private void list(HttpExchange exchange, String q) throws IOException {
        List<PageRecord> pages = q.isBlank() ? wiki.pages() : wiki.search(q);
        StringBuilder body = new StringBuilder();
        body.append("<form id=\"search\" method=\"get\" action=\"/\"><input id=\"q\" name=\"q\" placeholder=\"Search titles\" value=\"")
            .append(WikiMarkup.escape(q)).append("\"><button id=\"search-button\">Search</button></form>\n");
        body.append("<form id=\"new\" method=\"get\" action=\"/edit\"><input id=\"new-page\" name=\"page\" placeholder=\"New page name\">"
            + "<button id=\"create\">Create</button></form>\n");
        body.append(q.isBlank() ? "<h2>All pages</h2>\n" : "<h2>Pages whose title contains “" + WikiMarkup.escape(q) + "”</h2>\n");
        if (pages.isEmpty()) {
            body.append("<p class=\"quiet\">").append(q.isBlank() ? "No pages yet: create the first one above." : "No page title matches.").append("</p>\n");
        }
        body.append("<ul id=\"pages\">\n");
        for (PageRecord page : pages) {
            body.append("<li>").append(pageLink(page.name())).append(" <span class=\"quiet\">v").append(page.version())
                .append(", ").append(TIME.format(Instant.ofEpochMilli(page.timeMs()))).append(" by ").append(authorOf(page)).append("</span></li>\n");
        }
        body.append("</ul>\n<p class=\"quiet\">").append(wiki.records()).append(" versions held here; ").append(wiki.peers().size())
            .append(" other wiki nodes known. You edit as ").append(WikiMarkup.escape(wiki.author().name())).append(" (")
            .append(wiki.author().key().peerId().shortForm()).append(").</p>\n");
        send(exchange, 200, "Butter wiki", body.toString());
    }

    private void view(HttpExchange exchange, Map<String, String> query) throws IOException {
        String name = PageName.normalise(query.getOrDefault("page", ""));
        Optional<PageRecord> version = query.containsKey("version") ? versionOf(name, query.get("version")) : wiki.current(name);
        if (version.isEmpty()) {
            send(exchange, 404, name, "<p id=\"missing\">There is no page “" + WikiMarkup.escape(name) + "” yet. <a id=\"create-link\" href=\"/edit?page="
                + WikiMarkup.escape(WikiMarkup.urlName(name)) + "\">Create it</a>.</p>");
            return;
        }
        PageRecord record = version.get();
        String text;
        try {
            text = wiki.text(record);
        } catch (WikiException e) {
            send(exchange, 503, name, "<p class=\"error\">" + WikiMarkup.escape(e.getMessage()) + "</p>");
            return;
        }
        boolean current = wiki.current(name).map(record::equals).orElse(false);
        StringBuilder body = new StringBuilder();
        body.append("<h1 id=\"title\">").append(WikiMarkup.escape(name)).append("</h1>\n");
        body.append("<p class=\"meta\">").append(current ? "Version " : "<strong>An older version:</strong> version ").append(record.version())
            .append(", saved ").append(TIME.format(Instant.ofEpochMilli(record.timeMs()))).append(" by ").append(authorOf(record))
            .append(" · <a id=\"edit-link\" href=\"/edit?page=").append(WikiMarkup.escape(WikiMarkup.urlName(name)))
            .append(current ? "" : "&amp;from=" + record.id()).append("\">").append(current ? "Edit" : "Restore this version").append("</a>")
            .append(" · <a id=\"history-link\" href=\"/history?page=").append(WikiMarkup.escape(WikiMarkup.urlName(name))).append("\">History</a></p>\n");
        body.append("<article id=\"content\">\n").append(WikiMarkup.render(text, wiki::exists)).append("</article>\n");
        send(exchange, 200, name, body.toString());
    }

    private void edit(HttpExchange exchange, Map<String, String> query) throws IOException {
        String name = PageName.normalise(query.getOrDefault("page", ""));
        try {
            PageName.check(name);
        } catch (IllegalArgumentException e) {
            send(exchange, 400, "Bad page name", "<p class=\"error\">" + WikiMarkup.escape(e.getMessage()) + "</p><p><a href=\"/\">All pages</a></p>");
            return;
        }
        Optional<PageRecord> base = query.containsKey("from") ? versionOf(name, query.get("from")) : wiki.current(name);
        String text = "";
        if (base.isPresent()) {
            try {
                text = wiki.text(base.get());
            } catch (WikiException e) {
                send(exchange, 503, name, "<p class=\"error\">" + WikiMarkup.escape(e.getMessage()) + "</p>");
                return;
            }
        }
        // A restore edits the current version, with an older version's text.
        RecordId parent = wiki.current(name).map(PageRecord::id).orElse(RecordId.NONE);
        send(exchange, 200, "Edit " + name, editor(name, text, parent, null));
    }

    private String editor(String name, String text, RecordId parent, String error) {
        StringBuilder body = new StringBuilder();
        body.append("<h1 id=\"title\">").append(parent.isNone() ? "Create " : "Edit ").append(WikiMarkup.escape(name)).append("</h1>\n");
        if (error != null) {
            body.append("<p class=\"error\" id=\"error\">").append(WikiMarkup.escape(error)).append("</p>\n");
        }
        body.append("<form id=\"editor\" method=\"post\" action=\"/save\">\n")
            .append("<input type=\"hidden\" name=\"page\" value=\"").append(WikiMarkup.escape(name)).append("\">\n")
            .append("<input type=\"hidden\" name=\"parent\" value=\"").append(parent).append("\">\n")
            .append("<input type=\"hidden\" name=\"token\" value=\"").append(formToken).append("\">\n")
            .append("<textarea id=\"text\" name=\"text\" rows=\"20\">").append(WikiMarkup.escape(text)).append("</textarea>\n")
            .append("<p><button id=\"save\">Save</button> <span class=\"quiet\"># Heading, ## Section, - list item, "
                + "[[Page Name]] or [[Page Name|text]] links, blank lines between paragraphs</span></p>\n</form>\n");
        return body.toString();
    }

    private void save(HttpExchange exchange) throws IOException {
        Map<String, String> form;
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_FORM_BYTES + 1);
            if (bytes.length > MAX_FORM_BYTES) {
                send(exchange, 413, "Too large", "<p class=\"error\">A page is at most " + PageContent.MAX_TEXT_BYTES + " bytes.</p>");
                return;
            }
            form = parse(new String(bytes, StandardCharsets.US_ASCII));
        }
        String origin = exchange.getRequestHeaders().getFirst("Origin");
        if (!MessageDigest.isEqual(formToken.getBytes(StandardCharsets.US_ASCII), form.getOrDefault("token", "").getBytes(StandardCharsets.US_ASCII))
            || origin != null && !ownOrigin(origin)) {
            send(exchange, 403, "Refused", "<p class=\"error\">This form did not come from this wiki's own page: reload the editor and save again.</p>");
            return;
        }
        String name = PageName.normalise(form.getOrDefault("page", ""));
        String text = form.getOrDefault("text", "").replace("\r\n", "\n");
        RecordId parent;
        try {
            parent = new RecordId(form.getOrDefault("parent", RecordId.NONE.hex()));
            PageRecord saved = wiki.save(name, text, parent);
            exchange.getResponseHeaders().set("Location", "/view?page=" + WikiMarkup.urlName(saved.name()));
            exchange.sendResponseHeaders(303, -1);
        } catch (IllegalArgumentException e) {
            send(exchange, 400, "Edit " + name, editor(name, text, wiki.current(name).map(PageRecord::id).orElse(RecordId.NONE), e.getMessage()));
        } catch (WikiException e) {
            send(exchange, 503, "Edit " + name, editor(name, text, wiki.current(name).map(PageRecord::id).orElse(RecordId.NONE), e.getMessage()));
        }
    }

    private void history(HttpExchange exchange, Map<String, String> query) throws IOException {
        String name = PageName.normalise(query.getOrDefault("page", ""));
        List<PageIndex.HistoryEntry> history = wiki.history(name);
        if (history.isEmpty()) {
            send(exchange, 404, name, "<p>There is no page “" + WikiMarkup.escape(name) + "” yet.</p>");
            return;
        }
        StringBuilder body = new StringBuilder();
        body.append("<h1 id=\"title\">History of ").append(pageLink(name)).append("</h1>\n<table id=\"history\">\n")
            .append("<thead><tr><th>version</th><th>saved</th><th>author</th><th>record</th><th>parent</th><th></th></tr></thead>\n<tbody>\n");
        for (PageIndex.HistoryEntry entry : history) {
            PageRecord r = entry.record();
            String view = "/view?page=" + WikiMarkup.escape(WikiMarkup.urlName(name)) + "&amp;version=" + r.id();
            body.append("<tr class=\"").append(entry.state().name().toLowerCase(Locale.ROOT)).append("\"><td><a href=\"").append(view)
                .append("\">v").append(r.version()).append("</a></td><td>").append(TIME.format(Instant.ofEpochMilli(r.timeMs())))
                .append("</td><td>").append(authorOf(r)).append("</td><td class=\"mono\">").append(r.id().shortForm())
                .append("</td><td class=\"mono\">").append(r.parent().isNone() ? "–" : r.parent().shortForm()).append("</td><td>")
                .append(switch (entry.state()) {
                    case CURRENT -> "current";
                    case EARLIER -> "";
                    case CONFLICT -> "<span class=\"conflict\">lost a concurrent edit</span>";
                }).append("</td></tr>\n");
        }
        body.append("</tbody></table>\n<p class=\"quiet\">Anyone may edit; every version is signed by its author's key and kept. "
            + "When two edits of the same version meet, the later one is current and the other is marked here.</p>\n");
        send(exchange, 200, "History of " + name, body.toString());
    }

    private Optional<PageRecord> versionOf(String name, String id) {
        try {
            return wiki.version(new RecordId(id)).filter(r -> r.name().equals(name));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private String pageLink(String name) {
        return "<a href=\"/view?page=" + WikiMarkup.escape(WikiMarkup.urlName(name)) + "\">" + WikiMarkup.escape(name) + "</a>";
    }

    private static String authorOf(PageRecord record) {
        String shown = record.authorName().isBlank() ? "anonymous" : record.authorName();
        return "<span class=\"author\" title=\"" + record.author() + "\">" + WikiMarkup.escape(shown) + " ("
            + record.author().shortForm() + ")</span>";
    }

    /** Whether an {@code Origin} header names this server ("null", sent for opaque origins, does not). */
    private boolean ownOrigin(String origin) {
        try {
            URI uri = new URI(origin);
            return "http".equals(uri.getScheme()) && ownHost(uri.getRawAuthority());
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private boolean ownHost(String host) {
        if (host == null) {
            return false;
        }
        int port = address().getPort();
        return host.equals("127.0.0.1:" + port) || host.equals("localhost:" + port) || host.equals("[::1]:" + port)
            || host.equals(address().getAddress().getHostAddress() + ":" + port);
    }

    private static Map<String, String> parse(String raw) {
        Map<String, String> fields = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return fields;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                fields.putIfAbsent(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                // a malformed escape: the field is left out, as if it had not been sent
            }
        }
        return fields;
    }

    private void send(HttpExchange exchange, int status, String title, String body) throws IOException {
        byte[] page = page(title, body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.getResponseHeaders().set("Content-Security-Policy", SECURITY_POLICY);
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.getResponseHeaders().set("Referrer-Policy", "same-origin");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, page.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(page);
        }
    }

    private static String page(String title, String body) {
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>%s · Butter wiki</title>
            <style>
              body { font: 16px/1.55 system-ui, sans-serif; margin: 0; color: #222; background: #fcfbf7; }
              header { background: #f4d35e; padding: .6em 1.5em; display: flex; gap: 1.5em; align-items: baseline; }
              header a { color: #222; text-decoration: none; font-weight: 600; }
              main { max-width: 52em; margin: 1.5em auto; padding: 0 1.5em; }
              a { color: #1d4e89; } a.create { color: #b23a48; border-bottom: 1px dashed #b23a48; text-decoration: none; }
              .meta, .quiet { color: #666; font-size: .9em; } .error { color: #b23a48; font-weight: 600; }
              textarea { width: 100%%; font: 14px/1.4 ui-monospace, monospace; box-sizing: border-box; }
              input { font-size: 1em; padding: .25em .4em; } form { margin: .6em 0; }
              table { border-collapse: collapse; width: 100%%; } td, th { text-align: left; padding: .3em .6em; border-bottom: 1px solid #e3e0d6; }
              tr.current { background: #fff7d6; } .conflict { color: #b23a48; } .mono { font-family: ui-monospace, monospace; }
            </style></head>
            <body><header><a href="/">Butter wiki</a><a href="/">All pages</a></header>
            <main>
            %s
            </main></body></html>
            """.formatted(WikiMarkup.escape(title), body);
    }
}
