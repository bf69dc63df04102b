package network.butter.cli;

import network.butter.control.ControlClient;
import network.butter.control.ControlConfig;
import network.butter.identity.HostPort;
import picocli.CommandLine.Option;

/**
 * The options every command that talks to a running node shares: where its control API is, its token, and
 * whether to print JSON for scripts.
 */
final class ApiOptions {

    /** Environment variable a token may come from, so it need not appear in the process list. */
    static final String TOKEN_VARIABLE = "BUTTER_API_TOKEN";

    @Option(names = "--api", paramLabel = "HOST:PORT",
        description = "Control API of the running node (default: ${DEFAULT-VALUE}).",
        defaultValue = ControlConfig.DEFAULT_HOST + ":" + ControlConfig.DEFAULT_PORT)
    HostPort api;

    @Option(names = "--token", paramLabel = "TOKEN",
        description = "Access token of the node's API, if it has one (default: $" + TOKEN_VARIABLE + ").")
    String token;

    @Option(names = "--json", description = "Print the result as JSON, for scripts.")
    boolean json;

    /** A client for the node these options name. */
    ControlClient client() {
        return new ControlClient(api, token != null ? token : System.getenv(TOKEN_VARIABLE));
    }
}
