package network.butter.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.util.concurrent.Callable;
import network.butter.examples.ohce.OhceApp;
import network.butter.identity.PeerAddress;
import network.butter.node.NodeConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code butter ohce}: the ohce example ({@link OhceApp}). Without {@code --peer} it serves until stopped;
 * with one it sends every line of stdin to that peer and prints the reply, so it works both typed at and
 * piped into: {@code echo hello | butter ohce --peer <address>} prints {@code olleh}.
 */
@Command(
    name = "ohce",
    description = {
        "Run the ohce example: a node that reverses the messages it receives.",
        "Prints its address (id@host:port). With --peer, sends each line of stdin to that peer and prints "
            + "the reversed reply; without, serves until stopped (Ctrl-C)."})
final class OhceCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
        description = "Address to listen on; the default keeps the example on this machine.")
    private String host;

    @Option(names = {"-p", "--port"}, converter = Converters.ListenPort.class, defaultValue = "0",
        paramLabel = "PORT",
        description = "TCP port to listen on; 0 picks any free port.")
    private int port;

    @Option(names = "--peer", paramLabel = "ID@HOST:PORT",
        description = "Address another ohce printed: send it the lines typed on stdin.")
    private PeerAddress peer;

    /** Runs the example until stdin ends (with a peer) or until stopped (without); see {@link OhceApp#run}. */
    @Override
    public Integer call() {
        NodeConfig config = NodeConfig.builder().host(host).port(port).build();
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, Charset.defaultCharset()));
        return OhceApp.run(config, peer, stdin, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
}
