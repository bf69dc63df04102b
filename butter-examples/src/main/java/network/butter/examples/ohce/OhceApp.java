package network.butter.examples.ohce;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.concurrent.CountDownLatch;
import network.butter.api.ButterException;
import network.butter.identity.PeerAddress;
import network.butter.node.Butter;
import network.butter.node.ButterNode;
import network.butter.node.NodeConfig;

/**
 * Ohce as an interactive program: a node that serves {@link Ohce} and, given a peer, sends it every line you
 * type and prints what comes back reversed. Run two and they reverse each other's messages:
 *
 * <pre>
 * terminal 1:  butter ohce --port 7001
 *              address: Xk3…q8@127.0.0.1:7001
 * terminal 2:  butter ohce --peer Xk3…q8@127.0.0.1:7001
 *              hello
 *              olleh
 * </pre>
 *
 * <p>The {@code butter ohce} command and {@link #main} both go through {@link #run}; its streams are
 * parameters so that a test can play the user.
 */
public final class OhceApp implements AutoCloseable {

    private final ButterNode node;
    private final CountDownLatch closed = new CountDownLatch(1);

    private OhceApp(ButterNode node) {
        this.node = node;
    }

    /**
     * Starts a node serving ohce.
     *
     * @param config where to listen and with which identity
     * @throws IllegalStateException if the node cannot listen on the configured address (e.g. port in use)
     */
    public static OhceApp start(NodeConfig config) {
        return new OhceApp(Ohce.serve(Butter.node(config)).start());
    }

    /** Where peers reach this app: give it to the other side's {@code --peer}. */
    public PeerAddress address() {
        return node.address();
    }

    /**
     * Sends each line of {@code input} to {@code peer}'s ohce and prints the reply, until the input ends.
     * Empty lines are skipped. A failed request (peer down, wrong id, line too long...) prints one
     * {@code error: ...} line on {@code err} and the conversation goes on, so one bad moment does not end it.
     *
     * @param peer  who reverses the lines
     * @param input the lines to send, e.g. the terminal
     * @param out   receives one reply per line sent
     * @param err   receives one line per failed request
     * @return how many lines failed
     * @throws UncheckedIOException if reading {@code input} fails
     */
    public int chat(PeerAddress peer, BufferedReader input, PrintWriter out, PrintWriter err) {
        int failures = 0;
        try {
            for (String line = input.readLine(); line != null; line = input.readLine()) {
                if (line.isEmpty()) {
                    continue;
                }
                try {
                    out.println(node.requestBlocking(peer, Ohce.ROUTE, line).text());
                    out.flush();
                } catch (ButterException e) {
                    failures++;
                    err.println("error: " + e.getMessage());
                    err.flush();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the input", e);
        }
        return failures;
    }

    /**
     * Blocks until this app is {@linkplain #close() closed}, for instance by the shutdown hook of {@link #run}
     * when the user presses Ctrl-C.
     *
     * @throws InterruptedException if the waiting thread is interrupted first
     */
    public void awaitClose() throws InterruptedException {
        closed.await();
    }

    /** Shuts the node down gracefully, letting requests in flight finish. Closing twice is harmless. */
    @Override
    public void close() {
        node.close();
        closed.countDown();
    }

    /**
     * The whole program. Starts a node serving ohce and prints {@code peer id: ...} and {@code address: ...}
     * on {@code out}. Then, with a peer, it {@linkplain #chat chats} until {@code input} ends; without one it
     * only serves, until the JVM shuts down (Ctrl-C, SIGTERM) or the calling thread is interrupted. Either way
     * the node is closed gracefully before returning, and also if the JVM shuts down first.
     *
     * @param config how to run the node
     * @param peer   whom to send lines to, or null to only serve
     * @param input  the lines to send (unused without a peer, so the app can run in the background)
     * @param out    the address and the replies
     * @param err    hints for the user and one line per failed request
     * @return the exit status: 0 if every line got its reply (or, serving only, on a normal stop), else 1
     * @throws IllegalStateException if the node cannot listen on the configured address
     */
    public static int run(NodeConfig config, PeerAddress peer, BufferedReader input, PrintWriter out, PrintWriter err) {
        try (OhceApp app = start(config)) {
            Thread closeOnExit = new Thread(app::close, "ohce-shutdown");
            Runtime.getRuntime().addShutdownHook(closeOnExit);
            try {
                out.println("peer id: " + app.address().id());
                out.println("address: " + app.address());
                out.flush();
                return peer == null ? serveOnly(app, err) : talk(app, peer, input, out, err);
            } finally {
                removeShutdownHook(closeOnExit);
            }
        }
    }

    private static int serveOnly(OhceApp app, PrintWriter err) {
        err.println("serving " + Ohce.ROUTE + "; stop with Ctrl-C");
        err.flush();
        try {
            app.awaitClose();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static int talk(OhceApp app, PeerAddress peer, BufferedReader input, PrintWriter out, PrintWriter err) {
        err.println("talking to " + peer + ": type a line and get it back reversed; end with Ctrl-D");
        err.flush();
        return app.chat(peer, input, out, err) == 0 ? 0 : 1;
    }

    private static void removeShutdownHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is already shutting down: the hook runs, or ran, and closes the node itself.
        }
    }

    /**
     * Runs ohce on 127.0.0.1 without the {@code butter} command: {@code OhceApp [port [peer-id@host:port]]}.
     * The port defaults to 0, any free port. {@code butter ohce} offers the same with named options.
     */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, Charset.defaultCharset());
        PrintWriter err = new PrintWriter(System.err, true, Charset.defaultCharset());
        int status;
        try {
            if (args.length > 2) {
                throw new IllegalArgumentException("expected at most a port and a peer address");
            }
            int port = args.length > 0 ? parsePort(args[0]) : 0;
            PeerAddress peer = args.length > 1 ? PeerAddress.parse(args[1]) : null;
            BufferedReader input = new BufferedReader(new InputStreamReader(System.in, Charset.defaultCharset()));
            status = run(NodeConfig.builder().host("127.0.0.1").port(port).build(), peer, input, out, err);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.println("usage: OhceApp [port [peer-id@host:port]]");
            status = 2;
        } catch (IllegalStateException e) {
            err.println("error: " + e.getMessage());
            status = 1;
        }
        System.exit(status);
    }

    private static int parsePort(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the port must be a number, got '" + text + "'", e);
        }
    }
}
