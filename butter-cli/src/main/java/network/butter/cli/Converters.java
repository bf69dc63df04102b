package network.butter.cli;

import java.util.function.Function;
import network.butter.api.Limits;
import network.butter.identity.HostPort;
import network.butter.identity.PeerAddress;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Teaches picocli Butter's value types, reusing their own {@code parse} methods so that the command line
 * accepts exactly what the API does. A bad value then becomes a usage error carrying the parser's precise
 * message, e.g. {@code Invalid value for option '--bootstrap': expected host:port ...}.
 */
final class Converters {

    private Converters() {
    }

    /** Registers the converters by type on {@code commandLine} and the subcommands it already has. */
    static CommandLine register(CommandLine commandLine) {
        return commandLine
            .registerConverter(HostPort.class, parsing(HostPort::parse))
            .registerConverter(PeerAddress.class, parsing(PeerAddress::parse))
            .registerConverter(DataSize.class, parsing(DataSize::parse));
    }

    /** Turns a parser's IllegalArgumentException into the exception picocli reports without a stack trace. */
    private static <T> ITypeConverter<T> parsing(Function<String, T> parser) {
        return text -> {
            try {
                return parser.apply(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        };
    }

    /** For {@code --port}: a TCP port to listen on, where 0 asks the system for any free port. */
    static final class ListenPort implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String text) {
            int port;
            try {
                port = Integer.parseInt(text.strip());
            } catch (NumberFormatException e) {
                throw notAPort(text);
            }
            if (port < 0 || port > 65_535) {
                throw notAPort(text);
            }
            return port;
        }

        private static TypeConversionException notAPort(String text) {
            return new TypeConversionException("'" + text + "' is not a port: use 1-65535, or 0 for any free port");
        }
    }

    /** For {@code --memory}: a {@link DataSize} that is also a workable node budget (see {@link Limits}). */
    static final class MemoryBudget implements ITypeConverter<DataSize> {
        @Override
        public DataSize convert(String text) {
            try {
                DataSize budget = DataSize.parse(text);
                Limits.forMemoryBudget(budget.bytes());
                return budget;
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
