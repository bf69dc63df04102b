package network.butter.persist;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.function.Function;
import network.butter.persist.PcgMessages.Beat;
import network.butter.persist.PcgMessages.Challenge;
import network.butter.persist.PcgMessages.FetchReply;
import network.butter.persist.PcgMessages.Store;
import network.butter.persist.PcgMessages.StoreReply;
import network.butter.persist.PcgMessages.Trim;
import network.butter.testing.DecoderContract;
import network.butter.testing.DecoderContract.WireDecoder;
import network.butter.wire.PayloadReader;
import network.butter.wire.PayloadWriter;
import network.butter.wire.WireFormatException;

/**
 * Fuzzes the Peer Content Group protocol's decoders: every request and reply a group member or a reader receives,
 * the tombstones and stamps inside them, and the group record a node reads back from its own disk. The checks are
 * the generic contract (a value or a {@code WireFormatException}, bounded allocation) and that encoding a decoded
 * message gives bytes that decode to a message encoding the same way, so they hold whatever the fields are.
 * Runs the checked-in corpus in every build; {@code scripts/fuzz.sh} fuzzes them for real.
 */
class PcgMessagesFuzzTest {

    @FuzzTest
    void shouldDecodeAnyStoreRequestOrRefuseIt(byte[] bytes) {
        check(bytes, Store::decode, Store::encode);
    }

    @FuzzTest
    void shouldDecodeAnyStoreReplyOrRefuseIt(byte[] bytes) {
        check(bytes, StoreReply::decode, StoreReply::encode);
    }

    @FuzzTest
    void shouldDecodeAnyHeartbeatOrRefuseIt(byte[] bytes) {
        check(bytes, Beat::decode, Beat::encode);
    }

    @FuzzTest
    void shouldDecodeAnyFetchReplyOrRefuseIt(byte[] bytes) {
        check(bytes, FetchReply::decode, FetchReply::encode);
    }

    @FuzzTest
    void shouldDecodeAnyTrimRequestOrRefuseIt(byte[] bytes) {
        check(bytes, Trim::decode, Trim::encode);
    }

    @FuzzTest
    void shouldDecodeAnyProveRequestOrRefuseIt(byte[] bytes) {
        check(bytes, Challenge::decode, Challenge::encode);
    }

    @FuzzTest
    void shouldDecodeAnyTombstoneOrRefuseIt(byte[] bytes) {
        check(bytes, Tombstone::decode, Tombstone::encode);
    }

    @FuzzTest
    void shouldDecodeAnyOwnerStampOrRefuseIt(byte[] bytes) {
        check(bytes, PcgMessagesFuzzTest::decodeStamp, PcgMessagesFuzzTest::encodeStamp);
    }

    @FuzzTest
    void shouldDecodeAnyGroupRecordOrRefuseIt(byte[] bytes) {
        check(bytes, GroupRecord::decode, GroupRecord::encode);
    }

    private static <T> void check(byte[] bytes, WireDecoder<T> decoder, Function<T, byte[]> encoder) {
        T message = DecoderContract.decode(bytes, decoder);
        if (message != null) {
            byte[] encoded = encoder.apply(message);
            assertThat(encoder.apply(DecoderContract.decodeOwn(encoded, decoder)))
                .as("re-encoding a decoded message").isEqualTo(encoded);
        }
    }

    private static OwnerStamp decodeStamp(byte[] bytes) throws WireFormatException {
        PayloadReader in = new PayloadReader(bytes, "owner stamp");
        OwnerStamp stamp = OwnerStamp.read(in);
        in.end();
        return stamp;
    }

    private static byte[] encodeStamp(OwnerStamp stamp) {
        PayloadWriter out = new PayloadWriter(128);
        stamp.write(out);
        return out.toByteArray();
    }
}
