package network.butter.examples.wiki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the wiki's web server refuses: other hosts' names (DNS rebinding), forms from other sites, oversized forms,
 * and a non-loopback bind. Raw HTTP over loopback, so the test controls every header.
 */
class WikiServerTest {

    private WikiNode node;
    private WikiServer server;

    @BeforeEach
    void start() {
        node = WikiNode.start(null, "ana");
        server = WikiServer.start(node.wiki(), "127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        server.close();
        node.close();
    }

    @Test
    void shouldServeItsOwnHostAndRefuseAnyOtherHostName() throws IOException {
        String own = "127.0.0.1:" + server.address().getPort();

        assertThat(get("/", own)).startsWith("HTTP/1.1 200").contains("No pages yet").containsIgnoringCase("Content-Security-Policy: default-src 'none'");
        assertThat(get("/", "localhost:" + server.address().getPort())).startsWith("HTTP/1.1 200");
        assertThat(get("/", "attacker.example:" + server.address().getPort())).startsWith("HTTP/1.1 421");
    }

    @Test
    void shouldRefuseAFormWithoutThisServersTokenOrFromAnotherOrigin() throws IOException {
        String own = "127.0.0.1:" + server.address().getPort();
        Matcher token = Pattern.compile("name=\"token\" value=\"([0-9a-f]+)\"").matcher(get("/edit?page=Home", own));
        assertThat(token.find()).isTrue();
        String parent = RecordId.NONE.hex();

        String noToken = post(own, null, "page=Home&parent=" + parent + "&text=hi");
        String wrongToken = post(own, null, "page=Home&parent=" + parent + "&text=hi&token=" + "0".repeat(32));
        String foreignOrigin = post(own, "http://attacker.example", "page=Home&parent=" + parent + "&text=hi&token=" + token.group(1));
        String opaqueOrigin = post(own, "null", "page=Home&parent=" + parent + "&text=hi&token=" + token.group(1));

        assertThat(noToken).startsWith("HTTP/1.1 403");
        assertThat(wrongToken).startsWith("HTTP/1.1 403");
        assertThat(foreignOrigin).startsWith("HTTP/1.1 403");
        assertThat(opaqueOrigin).startsWith("HTTP/1.1 403");
        assertThat(node.wiki().exists("Home")).isFalse();
    }

    @Test
    void shouldKeepTheTextAndSayWhyWhenTheNetworkCannotStoreIt() throws IOException {
        String own = "127.0.0.1:" + server.address().getPort();
        Matcher token = Pattern.compile("name=\"token\" value=\"([0-9a-f]+)\"").matcher(get("/edit?page=Home", own));
        assertThat(token.find()).isTrue();

        String reply = post(own, null, "page=Home&parent=" + RecordId.NONE.hex() + "&text=my+%3Cwords%3E&token=" + token.group(1));

        assertThat(reply).startsWith("HTTP/1.1 503").contains("could not store Home", ">my &lt;words&gt;</textarea>");
        assertThat(node.wiki().exists("Home")).isFalse();
    }

    @Test
    void shouldRefuseAFormLargerThanAPageCanBe() throws IOException {
        String own = "127.0.0.1:" + server.address().getPort();

        assertThat(post(own, null, "text=" + "x".repeat(WikiServer.MAX_FORM_BYTES + 1))).startsWith("HTTP/1.1 413");
    }

    @Test
    void shouldRefuseToListenOnAnAddressOtherThanLoopback() {
        assertThatThrownBy(() -> WikiServer.start(node.wiki(), "0.0.0.0", 0))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loopback");
    }

    private String get(String path, String host) throws IOException {
        return exchange("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
    }

    private String post(String host, String origin, String form) throws IOException {
        byte[] body = form.getBytes(StandardCharsets.US_ASCII);
        return exchange("POST /save HTTP/1.1\r\nHost: " + host + "\r\n" + (origin == null ? "" : "Origin: " + origin + "\r\n")
            + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n" + form);
    }

    private String exchange(String request) throws IOException {
        try (Socket socket = new Socket(server.address().getAddress(), server.address().getPort())) {
            socket.setSoTimeout(30_000); // a save on a node alone waits for candidates up to 10 s before it fails
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
