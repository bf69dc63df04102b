package network.butter.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import network.butter.control.ControlClient;
import network.butter.control.ControlException;
import network.butter.control.CountingInputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The commands that use a running node through its control API: {@code status}, {@code put}, {@code get},
 * {@code update} and {@code delete}. Exit codes: 0 done; 1 the node or the network could not do it; 2 the command
 * line is wrong; 3 no node runs at the API address (the message says how to start one); 4 the content is unknown or
 * deleted; 5 the node refused the request (bad id, too large, wrong token).
 */
final class ApiCommands {

    /** Exit code when no node answers at the API address. */
    static final int EXIT_NO_NODE = 3;
    /** Exit code when the content is unknown or deleted. */
    static final int EXIT_NOT_FOUND = 4;
    /** Exit code when the node refused the request. */
    static final int EXIT_REFUSED = 5;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ApiCommands() {
    }

    /** Runs one call against the node and turns a failure into its exit code and one {@code error:} line. */
    abstract static class ApiCommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        ApiOptions options;

        @Override
        public final Integer call() throws IOException {
            try (ControlClient client = options.client()) {
                run(client, spec.commandLine().getOut());
                spec.commandLine().getOut().flush();
                return 0;
            } catch (ControlException e) {
                spec.commandLine().getErr().println("error: " + e.getMessage());
                return switch (e.kind()) {
                    case NO_NODE -> EXIT_NO_NODE;
                    case NOT_FOUND -> EXIT_NOT_FOUND;
                    case REFUSED -> EXIT_REFUSED;
                    case FAILED -> ButterCli.EXIT_FAILED;
                };
            }
        }

        abstract void run(ControlClient client, PrintWriter out) throws ControlException, IOException;

        /** Prints {@code fields} as one JSON object with --json, else {@code plain}. */
        void print(PrintWriter out, String plain, Map<String, Object> fields) {
            out.println(options.json ? JSON.writeValueAsString(fields) : plain);
        }
    }

    /** {@code butter status}. */
    @Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the running node's identity, addresses, peers and storage.")
    static final class Status extends ApiCommand {
        @Override
        void run(ControlClient client, PrintWriter out) throws ControlException {
            JsonNode status = client.status();
            if (options.json) {
                out.println(JSON.writeValueAsString(status));
                return;
            }
            out.println("peer id: " + status.get("id").asString());
            status.get("addresses").forEach(address -> out.println("address: " + address.asString()));
            out.println("reachability: " + status.get("reachability").asString());
            out.println("up: " + status.get("uptimeMs").asLong() / 1000 + " s");
            out.println("known hosts: " + status.get("knownHosts").asInt() + ", known by: " + status.get("knownBy").asInt());
            JsonNode storage = status.get("storage");
            out.println(storage.get("enabled").asBoolean()
                ? "storage: " + new DataSize(storage.get("availableBytes").asLong()) + " free of "
                    + new DataSize(storage.get("capacityBytes").asLong())
                : "storage: off");
        }
    }

    /** {@code butter put FILE|-}. */
    @Command(name = "put", mixinStandardHelpOptions = true,
        description = "Store a file (or standard input, '-') in the network; prints its content id.")
    static final class Put extends ApiCommand {
        @Parameters(paramLabel = "FILE", description = "The file to store, or '-' for standard input.")
        String file;

        @Override
        void run(ControlClient client, PrintWriter out) throws ControlException, IOException {
            boolean stdin = file.equals("-");
            long size = stdin ? -1 : Files.size(Path.of(file));
            try (InputStream raw = stdin ? System.in : Files.newInputStream(Path.of(file));
                 Progress progress = Progress.of(options.json, "put", size)) {
                CountingInputStream in = new CountingInputStream(raw, progress::advance);
                String id = client.put(in);
                print(out, id, fields("id", id, "bytes", in.count()));
            }
        }
    }

    /** {@code butter get ID [-o FILE]}. */
    @Command(name = "get", mixinStandardHelpOptions = true,
        description = "Read content by its id; writes it to standard output or to --output.")
    static final class Get extends ApiCommand {
        @Parameters(paramLabel = "ID", description = "The content id 'butter put' printed.")
        String id;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the content to FILE.")
        Path output;

        @Override
        void run(ControlClient client, PrintWriter out) throws ControlException, IOException {
            if (output == null) {
                out.flush();
                client.get(id, System.out);
                System.out.flush();
                return;
            }
            long bytes;
            try (OutputStream file = Files.newOutputStream(output);
                 Progress progress = Progress.of(options.json, "get", -1)) {
                bytes = client.get(id, new Progress.Output(file, progress));
            }
            print(out, "wrote " + bytes + " bytes to " + output, fields("id", id, "bytes", bytes, "file", output.toString()));
        }
    }

    /** {@code butter update ID FILE|-}. */
    @Command(name = "update", mixinStandardHelpOptions = true,
        description = "Store a new version of content this node put; prints the new id (readers of the old id get it).")
    static final class Update extends ApiCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "The id of the current version.")
        String id;

        @Parameters(index = "1", paramLabel = "FILE", description = "The new content, or '-' for standard input.")
        String file;

        @Override
        void run(ControlClient client, PrintWriter out) throws ControlException, IOException {
            boolean stdin = file.equals("-");
            long size = stdin ? -1 : Files.size(Path.of(file));
            try (InputStream raw = stdin ? System.in : Files.newInputStream(Path.of(file));
                 Progress progress = Progress.of(options.json, "update", size)) {
                CountingInputStream in = new CountingInputStream(raw, progress::advance);
                String next = client.update(id, in);
                print(out, next, fields("id", next, "previous", id, "bytes", in.count()));
            }
        }
    }

    /** {@code butter delete ID}. */
    @Command(name = "delete", mixinStandardHelpOptions = true,
        description = "Delete content this node put, everywhere it is kept.")
    static final class Delete extends ApiCommand {
        @Parameters(paramLabel = "ID", description = "The content id.")
        String id;

        @Override
        void run(ControlClient client, PrintWriter out) throws ControlException {
            client.delete(id);
            print(out, "deleted " + id, fields("id", id, "deleted", true));
        }
    }

    private static Map<String, Object> fields(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
