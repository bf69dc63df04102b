package network.butter.examples.ohce;

import java.util.regex.MatchResult;
import java.util.regex.Pattern;
import network.butter.api.Node;
import network.butter.api.Reply;

/**
 * Ohce, the reverse echo: the smallest useful Butter application, and the one the original prototype started
 * with. A node serving ohce answers every request on {@link #ROUTE} with the request text reversed.
 *
 * <pre>{@code
 * ButterNode bob = Ohce.serve(Butter.node(cfg -> cfg.host("127.0.0.1"))).start();
 * ButterNode alice = Butter.node(cfg -> cfg.host("127.0.0.1")).start();
 * alice.requestBlocking(bob.address(), Ohce.ROUTE, "hello").text();   // "olleh"
 * }</pre>
 *
 * <p>That is all there is to a Butter server: a route name and a function from request to reply. Every node
 * is also a client, so the same node can call its peers' ohce; {@link OhceApp} does both.
 */
public final class Ohce {

    /** The route ohce answers on. Routes are namespaced by application so that many share one node. */
    public static final String ROUTE = "ohce/reverse";

    /** One user-perceived character: a Unicode extended grapheme cluster. */
    private static final Pattern GRAPHEME = Pattern.compile("\\X");

    private Ohce() {
    }

    /**
     * Reverses text by user-perceived characters (Unicode grapheme clusters), not by Java {@code char}s and
     * not even by code points. Reversing chars would split emoji into broken surrogate halves; reversing code
     * points would still detach accents and skin tones and turn the flag of France into another flag. So
     * {@code "héllo 👍🏽🇫🇷"} becomes {@code "🇫🇷👍🏽 olléh"}, whichever way its accent is encoded.
     *
     * @param text any text
     * @return the same characters in reverse order
     */
    public static String reverse(String text) {
        return String.join("", GRAPHEME.matcher(text).results().map(MatchResult::group).toList().reversed());
    }

    /**
     * Makes {@code node} serve ohce: every request on {@link #ROUTE} is answered with its text
     * {@linkplain #reverse(String) reversed}. Works on a started node or before {@code start()}.
     *
     * @param node the node that should answer
     * @return the same node, so that the call chains: {@code Ohce.serve(Butter.node(...)).start()}
     */
    public static <N extends Node> N serve(N node) {
        node.handle(ROUTE, request -> Reply.text(reverse(request.text())));
        return node;
    }
}
