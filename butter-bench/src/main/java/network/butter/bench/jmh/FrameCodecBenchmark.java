package network.butter.bench.jmh;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import network.butter.api.Limits;
import network.butter.wire.Frame;
import network.butter.wire.FrameCodec;
import network.butter.wire.FrameTooLargeException;
import network.butter.wire.WireFormatException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH micro-benchmark of the wire codec on the request/response hot path: encoding and decoding a REQUEST
 * and a RESPONSE frame. It isolates what {@link FrameCodec} costs per message, so a regression there shows
 * up here even when the loopback benchmark's noise would hide it.
 *
 * <p>Run: {@code java -cp butter-bench/target/butter-bench.jar org.openjdk.jmh.Main FrameCodecBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FrameCodecBenchmark {

    /** Payload size in bytes, as in the loopback benchmark by default. */
    @Param({"64", "4096"})
    public int payloadBytes;

    private final FrameCodec codec = new FrameCodec(Limits.defaults().maxFrameBytes());
    private Frame.Request request;
    private Frame.Response response;
    private ByteBuffer out;
    private ByteBuffer encodedRequest;
    private ByteBuffer encodedResponse;

    /** Builds the frames and their encodings once per trial. */
    @Setup
    public void setUp() throws FrameTooLargeException {
        byte[] payload = new byte[payloadBytes];
        request = new Frame.Request(42, 10_000, "bench/echo", payload);
        response = new Frame.Response(42, payload);
        out = ByteBuffer.allocate(FrameCodec.LENGTH_FIELD_BYTES + codec.frameLength(request));
        encodedRequest = bodyOf(codec.encode(request));
        encodedResponse = bodyOf(codec.encode(response));
    }

    private static ByteBuffer bodyOf(byte[] encoded) {
        return ByteBuffer.wrap(encoded, FrameCodec.LENGTH_FIELD_BYTES, encoded.length - FrameCodec.LENGTH_FIELD_BYTES)
            .slice();
    }

    /** Encodes a REQUEST into a reused buffer, as the transport's encoder does. */
    @Benchmark
    public ByteBuffer encodeRequest() throws FrameTooLargeException {
        out.clear();
        codec.encode(request, out);
        return out;
    }

    /** Encodes a RESPONSE into a reused buffer. */
    @Benchmark
    public ByteBuffer encodeResponse() throws FrameTooLargeException {
        out.clear();
        codec.encode(response, out);
        return out;
    }

    /** Decodes a REQUEST body, including route validation and the payload copy. */
    @Benchmark
    public Frame decodeRequest() throws WireFormatException {
        return codec.decode(encodedRequest.duplicate());
    }

    /** Decodes a RESPONSE body, including the payload copy. */
    @Benchmark
    public Frame decodeResponse() throws WireFormatException {
        return codec.decode(encodedResponse.duplicate());
    }
}
