package network.butter.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.function.Function;
import java.util.function.Supplier;
import network.butter.wire.WireFormatException;

/**
 * The contract every decoder of network bytes is fuzzed against: given any bytes it returns a value or throws the
 * one documented exception, never another (an {@code IndexOutOfBoundsException} or a {@code NullPointerException}
 * would be a peer crashing our handler), and it allocates at most a small multiple of the input's size, so a forged
 * count or length cannot make a node reserve memory the sender never sent. Fuzz tests call {@link #decode} and then
 * check round trips on what it returned.
 */
public final class DecoderContract {

    /**
     * Bytes any decode may allocate whatever the input: the exception and its stack trace, small lists, the
     * fuzzer's own bookkeeping. Below what a list pre-sized from a forged 16-bit count takes (65,535 references:
     * 256 KiB), far below what a forged 32-bit length would make a careless decoder allocate (up to 4 GiB).
     */
    public static final long ALLOWANCE_BYTES = 64 * 1024;

    /** Bytes a decode may allocate per input byte: the value's objects are a few times the bytes they came from. */
    public static final long BYTES_PER_INPUT_BYTE = 16;

    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private DecoderContract() {
    }

    /** A decoder from bytes whose only documented failure is a {@link WireFormatException}. */
    @FunctionalInterface
    public interface WireDecoder<T> {
        /** Decodes, or throws the documented exception. */
        T decode(byte[] bytes) throws WireFormatException;
    }

    /**
     * Decodes {@code input}, checking the contract.
     *
     * @return the value, or null if the decoder refused the bytes with a {@link WireFormatException}
     */
    public static <T> T decode(byte[] input, WireDecoder<T> decoder) {
        return measured(input.length, () -> {
            try {
                return decoder.decode(input);
            } catch (WireFormatException refused) {
                return null;
            }
        });
    }

    /**
     * Parses {@code input} with a parser documented to throw {@link IllegalArgumentException} on bad input (text
     * forms and fixed-size byte forms), checking the contract.
     *
     * @param inputBytes the input's size in bytes, for the allocation bound
     * @return the value, or null if the parser refused the input with an {@link IllegalArgumentException}
     */
    public static <I, T> T parse(I input, int inputBytes, Function<I, T> parser) {
        return measured(inputBytes, () -> {
            try {
                return parser.apply(input);
            } catch (IllegalArgumentException refused) {
                return null;
            }
        });
    }

    /**
     * Decodes bytes that an encoder produced from a decoded value: they must decode, since we made them.
     *
     * @throws AssertionError if the decoder refuses its own encoder's output
     */
    public static <T> T decodeOwn(byte[] encoded, WireDecoder<T> decoder) {
        try {
            return decoder.decode(encoded);
        } catch (WireFormatException e) {
            throw new AssertionError("the decoder refuses what the encoder wrote: " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code decode} and checks what it allocated. The first run of a decoder also loads (and, while fuzzing,
     * instruments) its classes, which allocates megabytes that are not the decoder's doing; so a run over the bound
     * is repeated once, and only a repeat over the bound fails.
     */
    private static <T> T measured(int inputBytes, Supplier<T> decode) {
        long bound = ALLOWANCE_BYTES + BYTES_PER_INPUT_BYTE * inputBytes;
        long before = THREADS.getCurrentThreadAllocatedBytes();
        T value = decode.get();
        if (THREADS.getCurrentThreadAllocatedBytes() - before <= bound) {
            return value;
        }
        before = THREADS.getCurrentThreadAllocatedBytes();
        value = decode.get();
        assertThat(THREADS.getCurrentThreadAllocatedBytes() - before)
            .as("bytes allocated decoding %d input bytes", inputBytes)
            .isLessThanOrEqualTo(bound);
        return value;
    }
}
