package network.butter.testbed.attack;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.persist.OwnerStamp;
import network.butter.persist.Tombstone;
import network.butter.retrieve.QueryId;
import network.butter.store.ContentId;
import network.butter.store.OwnedBlock;
import network.butter.wire.PayloadReader;
import network.butter.wire.PayloadWriter;
import network.butter.wire.WireFormatException;

/**
 * The hostile payloads, crafted with the public {@link PayloadWriter} in the byte layouts of {@code docs/PROTOCOL.md}
 * §6 (the protocols' own message records are not public). When a protocol's messages change, this is the one
 * place the attacks' bytes follow.
 */
final class Wire {

    /** Fetch reply status bytes, in the order of the protocol's enum. */
    static final int FOUND = 0;
    static final int GONE = 1;
    static final int ABSENT = 2;

    private static final int DENSE_BLOOM = 1;

    private Wire() {
    }

    private static final byte[] DELETE_CONTEXT = "butter/pcg/del/2".getBytes(StandardCharsets.US_ASCII);

    /** {@code block | live addresses}: a leader's trim (it names no replication factor). */
    static byte[] trim(ContentId block, List<PeerAddress> live) {
        return new PayloadWriter(40 + 48 * live.size()).raw(block.toBytes()).addresses(live).toByteArray();
    }

    /**
     * A tombstone for someone else's block, signed by {@code signer} over the real {@code "butter/pcg/del/2"} bytes
     * but naming the attacker as owner and a made-up body hash: the id does not commit to that owner, so honest
     * nodes must refuse it ({@link Tombstone#valid()} is false); the attack measures whether they do.
     */
    static Tombstone forgedTombstone(ContentId block, PeerId attacker, byte[] madeUpBodyHash, ContentId successor,
                                     Function<byte[], byte[]> signer) {
        PayloadWriter signed = new PayloadWriter(DELETE_CONTEXT.length + 2 * ContentId.LENGTH_BYTES + 1)
            .raw(DELETE_CONTEXT).raw(block.toBytes());
        if (successor == null) {
            signed.u8(0);
        } else {
            signed.u8(1).raw(successor.toBytes());
        }
        return new Tombstone(block, attacker, madeUpBodyHash, successor, signer.apply(signed.toByteArray()));
    }

    /**
     * A valid tombstone of a junk block the attacker owns ({@link OwnedBlock} with its own key and a random body):
     * the only kind of tombstone its key can make valid.
     */
    static Tombstone ownJunkTombstone(PeerId attacker, RandomGenerator random, Function<byte[], byte[]> signer) {
        byte[] body = new byte[32];
        random.nextBytes(body);
        return Tombstone.sign(OwnedBlock.encode(attacker.toBytes(), body), attacker, null, signer::apply);
    }

    /** {@code stamp | replication u8 | member addresses | data}: a store, here a claim to join a group. */
    static byte[] store(OwnerStamp stamp, int replication, List<PeerAddress> members, byte[] data) {
        PayloadWriter out = new PayloadWriter(data.length + 200 + 48 * members.size());
        out.raw(stamp.block().toBytes()).raw(stamp.owner().toBytes()).raw(stamp.signature());
        return out.u8(replication).addresses(members).bytes(data).toByteArray();
    }

    /** Most tombstones one beat may carry (docs/PROTOCOL.md, Storage). */
    static final int MAX_BEAT_TOMBSTONES = 64;

    /**
     * A heartbeat claiming membership: every block of {@code held} with {@code self} and the members given, no
     * blocks not held, and {@code tombstones} (at most {@link #MAX_BEAT_TOMBSTONES}); no possession challenge and no
     * proof (the two trailing flags are 0).
     */
    static byte[] beat(Map<ContentId, List<PeerAddress>> held, List<Tombstone> tombstones) {
        Map<PeerId, Integer> index = new LinkedHashMap<>();
        List<PeerAddress> table = new ArrayList<>();
        held.values().forEach(members -> members.forEach(member -> {
            if (index.putIfAbsent(member.id(), table.size()) == null) {
                table.add(member);
            }
        }));
        PayloadWriter out = new PayloadWriter(64 + 48 * table.size() + 40 * held.size() + 160 * tombstones.size());
        out.addresses(table).u16(held.size());
        held.forEach((block, members) -> {
            out.raw(block.toBytes()).u8(members.size());
            members.forEach(member -> out.u16(index.get(member.id())));
        });
        out.u16(0).u16(tombstones.size());
        tombstones.forEach(tombstone -> out.raw(tombstone.encode()));
        return out.u8(0).u8(0).toByteArray();
    }

    /** A store reply saying the copy was stored: status 0, no reason. */
    static byte[] stored() {
        return new PayloadWriter(3).u8(0).text("").toByteArray();
    }

    /**
     * A store as the recruiter sent it.
     *
     * @param stamp   the owner's stamp
     * @param members the group as the recruiter names it
     * @param data    the block
     */
    record StoreOffer(OwnerStamp stamp, List<PeerAddress> members, byte[] data) {
    }

    /** Reads a store request. */
    static StoreOffer storeOffer(byte[] payload) throws WireFormatException {
        PayloadReader in = new PayloadReader(payload, "store request");
        ContentId block = ContentId.fromBytes(in.raw(ContentId.LENGTH_BYTES));
        PeerId owner = in.peerId();
        OwnerStamp stamp = new OwnerStamp(block, owner, in.raw(64));
        in.u8();
        List<PeerAddress> members = in.addresses(64);
        byte[] data = in.bytes();
        in.end();
        return new StoreOffer(stamp, members, data);
    }

    /** A fetch reply saying the block is gone, showing {@code tombstone}. */
    static byte[] gone(Tombstone tombstone) {
        return new PayloadWriter(200).u8(GONE).raw(tombstone.encode()).addresses(List.of()).toByteArray();
    }

    /** A fetch reply saying the block is not here, naming nobody to ask next. */
    static byte[] absent() {
        return new PayloadWriter(3).u8(ABSENT).addresses(List.of()).toByteArray();
    }

    /** A search query of strategy {@code strategy} with {@code ttl} hops left. */
    static byte[] query(QueryId id, ContentId block, PeerAddress requester, int strategy, int ttl, int parameter) {
        return new PayloadWriter(128).u64(id.high()).u64(id.low()).raw(block.toBytes()).address(requester)
            .u8(strategy).u8(ttl).u16(parameter).toByteArray();
    }

    /** A summary push whose own and neighbourhood filters have every bit set: "I hold and reach everything". */
    static byte[] allOnesSummary(long version, int bits) {
        byte[] ones = new byte[bits / 8];
        java.util.Arrays.fill(ones, (byte) 0xFF);
        int log2 = Integer.numberOfTrailingZeros(bits);
        return new PayloadWriter(12 + 2 * ones.length).u64(version)
            .u8(log2).u8(DENSE_BLOOM).raw(ones)
            .u8(log2).u8(DENSE_BLOOM).raw(ones).toByteArray();
    }

    /**
     * A fetch reply as far as the attacks need it.
     *
     * @param status  {@link #FOUND}, {@link #GONE} or {@link #ABSENT}
     * @param stamp   the owner's stamp, if found
     * @param data    the block, if found
     * @param peers   the holder's group (found) or hints (absent)
     */
    record FetchAnswer(int status, OwnerStamp stamp, byte[] data, List<PeerAddress> peers) {
    }

    /** Reads a fetch reply; a tombstone is skipped over. */
    static FetchAnswer fetchAnswer(byte[] payload) throws WireFormatException {
        PayloadReader in = new PayloadReader(payload, "fetch reply");
        int status = in.u8();
        OwnerStamp stamp = null;
        byte[] data = null;
        if (status == FOUND) {
            ContentId block = ContentId.fromBytes(in.raw(ContentId.LENGTH_BYTES));
            PeerId owner = in.peerId();
            stamp = new OwnerStamp(block, owner, in.raw(64));
            data = in.bytes();
        } else if (status == GONE) {
            in.raw(ContentId.LENGTH_BYTES);
            in.peerId();
            in.raw(ContentId.LENGTH_BYTES);
            if (in.u8() == 1) {
                in.raw(ContentId.LENGTH_BYTES);
            }
            in.raw(64);
        } else if (status != ABSENT) {
            throw in.malformed("status " + status);
        }
        List<PeerAddress> peers = in.addresses(64);
        in.end();
        return new FetchAnswer(status, stamp, data, peers);
    }
}
