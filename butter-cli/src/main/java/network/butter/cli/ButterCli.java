package network.butter.cli;

import java.io.PrintWriter;
import java.util.Optional;
import network.butter.store.ContentId;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code butter} command. Each job is a subcommand ({@code butter node}, {@code butter ohce},
 * {@code butter testbed}); later features add theirs to {@code subcommands}.
 *
 * <p>Exit codes: 0 success; 1 the command failed, printed as one {@code error: ...} line (e.g. a port
 * already in use); 2 the command line is wrong, printed as the reason and a pointer to {@code --help}; 3, 4 and 5
 * from the commands that use a running node (no node runs, unknown content, request refused: see
 * {@link ApiCommands});
 * 130 and 143 stopped by Ctrl-C or SIGTERM, after a graceful shutdown.
 */
@Command(
    name = "butter",
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    usageHelpAutoWidth = true,
    showDefaultValues = true,
    description = "Butter: decentralised applications on an unstructured peer-to-peer network.",
    subcommands = {NodeCommand.class, ApiCommands.Status.class, ApiCommands.Put.class, ApiCommands.Get.class,
        ApiCommands.Update.class, ApiCommands.Delete.class, ChatCommand.class, WikiCommand.class, OhceCommand.class, TestbedCommand.class, NodeHostCommand.class,
        HelpCommand.class})
public final class ButterCli {

    /** Exit code of a command that was invoked correctly but failed. */
    static final int EXIT_FAILED = 1;

    private ButterCli() {
    }

    /**
     * The command line, ready to {@code execute}: converters for Butter's types registered, and errors
     * reported in a line or two instead of a stack trace. Tests use it to run commands in-process.
     */
    public static CommandLine commandLine() {
        return Converters.register(new CommandLine(new ButterCli()))
            .setParameterExceptionHandler(ButterCli::reportUsageError)
            .setExecutionExceptionHandler(ButterCli::reportFailure);
    }

    /** Runs {@code butter} with the given arguments and exits with its exit code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * A wrong command line: the reason, a "did you mean" when picocli has one, then where to read more. A
     * command with subcommands gets its short usage (the list of commands) instead of the pointer, since the
     * usual mistake there is not knowing what to type.
     */
    private static int reportUsageError(ParameterException error, String[] args) {
        CommandLine command = error.getCommandLine();
        PrintWriter err = command.getErr();
        err.println(command.getColorScheme().errorText(error.getMessage()));
        UnmatchedArgumentException.printSuggestions(error, err);
        dashedId(args).ifPresent(id -> err.println("Content ids beginning with '-' (one in 64) must follow '--', "
            + "which ends the options: " + command.getCommandSpec().qualifiedName() + " [OPTIONS] -- " + id
            + (command.getCommandName().equals("update") ? " FILE" : "")));
        if (command.getSubcommands().isEmpty()) {
            err.println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more information.");
        } else {
            command.usage(err, command.getColorScheme());
        }
        err.flush();
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    /**
     * A word of the command line before any {@code --} that is a content id beginning with '-', which picocli can
     * only have read as an option.
     */
    static Optional<String> dashedId(String[] args) {
        for (String arg : args) {
            if (arg.equals("--")) {
                return Optional.empty();
            }
            if (arg.startsWith("-")) {
                try {
                    ContentId.parse(arg);
                    return Optional.of(arg);
                } catch (IllegalArgumentException notAnId) {
                    // an option, as it looks
                }
            }
        }
        return Optional.empty();
    }

    /** A command that failed while running: the user gets the reason, not a stack trace. */
    private static int reportFailure(Exception failure, CommandLine command, ParseResult parsed) {
        command.getErr().println(command.getColorScheme().errorText("error: " + describe(failure)));
        command.getErr().flush();
        return EXIT_FAILED;
    }

    /** The message of the failure, followed by those of its causes when they add something. */
    private static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder(String.valueOf(failure.getMessage()));
        for (Throwable cause = failure.getCause(); cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && text.indexOf(cause.getMessage()) < 0) {
                text.append(": ").append(cause.getMessage());
            }
        }
        return text.toString();
    }
}
