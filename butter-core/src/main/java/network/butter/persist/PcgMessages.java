package network.butter.persist;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import network.butter.identity.PeerAddress;
import network.butter.identity.PeerId;
import network.butter.store.ContentId;
import network.butter.wire.PayloadReader;
import network.butter.wire.PayloadWriter;
import network.butter.wire.WireFormatException;

/**
 * The messages of the Peer Content Group protocol and their byte formats (all integers big-endian; an address is
 * {@code id (32) | hostLen u16 | host | port u16}; see {@code docs/PROTOCOL.md} §6). Decoders check every count
 * against the bytes left, so a hostile payload costs at most its own size.
 */
final class PcgMessages {

    /** Most members one group entry may name. */
    static final int MAX_MEMBERS = 64;
    /** Most entries of any list in one message. */
    static final int MAX_ENTRIES = 0xFFFF;

    private PcgMessages() {
    }

    // ---- store: join a group with a copy ----

    /** Asks a peer to hold a block as a member of its group. */
    record Store(OwnerStamp stamp, int replication, List<PeerAddress> members, byte[] data) {
        byte[] encode() {
            PayloadWriter out = new PayloadWriter(data.length + 160 + 48 * members.size());
            stamp.write(out);
            out.u8(replication);
            out.addresses(members);
            return out.bytes(data).toByteArray();
        }

        static Store decode(byte[] payload) throws WireFormatException {
            PayloadReader in = new PayloadReader(payload, "store request");
            OwnerStamp stamp = OwnerStamp.read(in);
            int replication = in.u8();
            if (replication < 1 || replication > PcgConfig.MAX_REPLICATION) {
                throw in.malformed("replication " + replication);
            }
            List<PeerAddress> members = in.addresses(MAX_MEMBERS);
            byte[] data = in.bytes();
            in.end();
            return new Store(stamp, replication, members, data);
        }
    }

    /** How a peer answered a {@link Store}. */
    enum StoreStatus { STORED, FULL, DELETED, INVALID, BUSY }

    /** The answer to a {@link Store}: the status, the tombstone if deleted, and a reason. */
    record StoreReply(StoreStatus status, Tombstone tombstone, String reason) {
        byte[] encode() {
            PayloadWriter out = new PayloadWriter(160).u8(status.ordinal());
            if (status == StoreStatus.DELETED) {
                tombstone.write(out);
            }
            return out.text(reason).toByteArray();
        }

        static StoreReply decode(byte[] payload) throws WireFormatException {
            PayloadReader in = new PayloadReader(payload, "store reply");
            StoreStatus status = readStatus(in, StoreStatus.values());
            Tombstone tombstone = status == StoreStatus.DELETED ? Tombstone.read(in) : null;
            String reason = in.text();
            in.end();
            return new StoreReply(status, tombstone, reason);
        }
    }

    // ---- beat: both directions of a heartbeat exchange ----

    /** One group in a beat: the block and the members its sender knows of. */
    record Entry(ContentId block, List<PeerAddress> members) {
    }

    /** A challenge to prove possession of a shared block: answer with {@code SHA-256(nonce | block bytes)}. */
    record Challenge(ContentId block, byte[] nonce) {
        static final int NONCE_BYTES = 16;

        /** As a prove request: {@code block (32) | nonce (16)}. */
        byte[] encode() {
            return new PayloadWriter(ContentId.LENGTH_BYTES + NONCE_BYTES).raw(block.toBytes()).raw(nonce).toByteArray();
        }

        static Challenge decode(byte[] payload) throws WireFormatException {
            PayloadReader in = new PayloadReader(payload, "prove request");
            Challenge challenge = new Challenge(ContentId.fromBytes(in.raw(ContentId.LENGTH_BYTES)), in.raw(NONCE_BYTES));
            in.end();
            return challenge;
        }
    }

    /** The answer to a {@link Challenge}: the block, the challenge's nonce and the digest. */
    record Proof(ContentId block, byte[] nonce, byte[] digest) {
    }

    /**
     * A heartbeat, or the answer to one: the groups the sender shares with the receiver (with the members it
     * knows), the blocks the receiver named that the sender does not hold, tombstones the receiver needs, and
     * optionally a possession challenge for the receiver and the proof answering the receiver's last challenge.
     * Addresses are sent once in a table and referred to by index.
     */
    record Beat(List<Entry> held, List<ContentId> notHeld, List<Tombstone> tombstones, Challenge challenge, Proof proof) {
        Beat(List<Entry> held, List<ContentId> notHeld, List<Tombstone> tombstones) {
            this(held, notHeld, tombstones, null, null);
        }

        Beat with(Challenge newChallenge, Proof newProof) {
            return new Beat(held, notHeld, tombstones, newChallenge, newProof);
        }

        byte[] encode() {
            Map<PeerId, Integer> index = new LinkedHashMap<>();
            List<PeerAddress> table = new ArrayList<>();
            for (Entry entry : held) {
                for (PeerAddress member : entry.members()) {
                    if (index.putIfAbsent(member.id(), table.size()) == null) {
                        table.add(member);
                    }
                }
            }
            PayloadWriter out = new PayloadWriter(64 + 48 * table.size() + 40 * held.size() + 32 * notHeld.size());
            out.addresses(table);
            out.u16(held.size());
            for (Entry entry : held) {
                out.raw(entry.block().toBytes()).u8(entry.members().size());
                for (PeerAddress member : entry.members()) {
                    out.u16(index.get(member.id()));
                }
            }
            out.u16(notHeld.size());
            notHeld.forEach(block -> out.raw(block.toBytes()));
            out.u16(tombstones.size());
            tombstones.forEach(tombstone -> tombstone.write(out));
            if (challenge == null) {
                out.u8(0);
            } else {
                out.u8(1).raw(challenge.block().toBytes()).raw(challenge.nonce());
            }
            if (proof == null) {
                out.u8(0);
            } else {
                out.u8(1).raw(proof.block().toBytes()).raw(proof.nonce()).raw(proof.digest());
            }
            return out.toByteArray();
        }

        static Beat decode(byte[] payload) throws WireFormatException {
            PayloadReader in = new PayloadReader(payload, "heartbeat");
            List<PeerAddress> table = in.addresses(MAX_ENTRIES);
            int heldCount = in.count(MAX_ENTRIES, ContentId.LENGTH_BYTES + 1);
            List<Entry> held = new ArrayList<>(heldCount);
            for (int i = 0; i < heldCount; i++) {
                ContentId block = ContentId.fromBytes(in.raw(ContentId.LENGTH_BYTES));
                int members = in.u8();
                if (members > MAX_MEMBERS) {
                    throw in.malformed(members + " members in one group");
                }
                List<PeerAddress> addresses = new ArrayList<>(members);
                for (int m = 0; m < members; m++) {
                    int at = in.u16();
                    if (at >= table.size()) {
                        throw in.malformed("member index " + at + " beyond a table of " + table.size());
                    }
                    addresses.add(table.get(at));
                }
                held.add(new Entry(block, addresses));
            }
            int notHeldCount = in.count(MAX_ENTRIES, ContentId.LENGTH_BYTES);
            List<ContentId> notHeld = new ArrayList<>(notHeldCount);
            for (int i = 0; i < notHeldCount; i++) {
                notHeld.add(ContentId.fromBytes(in.raw(ContentId.LENGTH_BYTES)));
            }
            int tombstoneCount = in.count(PcgConfig.MAX_TOMBSTONES_PER_BEAT, Tombstone.MIN_BYTES);
            List<Tombstone> tombstones = new ArrayList<>(tombstoneCount);
            for (int i = 0; i < tombstoneCount; i++) {
                tombstones.add(Tombstone.read(in));
            }
            Challenge challenge = null;
            if (flag(in, "challenge")) {
                challenge = new Challenge(ContentId.fromBytes(in.raw(ContentId.LENGTH_BYTES)), in.raw(Challenge.NONCE_BYTES));
            }
            Proof proof = null;
            if (flag(in, "proof")) {
                proof = new Proof(ContentId.fromBytes(in.raw(ContentId.LENGTH_BYTES)), in.raw(Challenge.NONCE_BYTES),
                    in.raw(ContentId.LENGTH_BYTES));
            }
            in.end();
            return new Beat(held, notHeld, tombstones, challenge, proof);
        }

        boolean isEmpty() {
            return held.isEmpty() && notHeld.isEmpty() && tombstones.isEmpty();
        }
    }

    // ---- fetch: read a block ----

    /** How a peer answered a fetch. */
    enum FetchStatus { FOUND, GONE, ABSENT }

    /**
     * The answer to a fetch: the block with its stamp and group (found), the tombstone (gone), or peers worth
     * asking next (absent).
     */
    record FetchReply(FetchStatus status, OwnerStamp stamp, byte[] data, Tombstone tombstone, List<PeerAddress> peers) {
        static FetchReply found(OwnerStamp stamp, byte[] data, List<PeerAddress> members) {
            return new FetchReply(FetchStatus.FOUND, stamp, data, null, members);
        }

        static FetchReply gone(Tombstone tombstone) {
            return new FetchReply(FetchStatus.GONE, null, null, tombstone, List.of());
        }

        static FetchReply absent(List<PeerAddress> hints) {
            return new FetchReply(FetchStatus.ABSENT, null, null, null, hints);
        }

        byte[] encode() {
            PayloadWriter out = new PayloadWriter((data == null ? 0 : data.length) + 160 + 48 * peers.size());
            out.u8(status.ordinal());
            switch (status) {
                case FOUND -> {
                    stamp.write(out);
                    out.bytes(data);
                }
                case GONE -> tombstone.write(out);
                case ABSENT -> { }
            }
            out.addresses(peers);
            return out.toByteArray();
        }

        static FetchReply decode(byte[] payload) throws WireFormatException {
            PayloadReader in = new PayloadReader(payload, "fetch reply");
            FetchStatus status = readStatus(in, FetchStatus.values());
            OwnerStamp stamp = status == FetchStatus.FOUND ? OwnerStamp.read(in) : null;
            byte[] data = status == FetchStatus.FOUND ? in.bytes() : null;
            Tombstone tombstone = status == FetchStatus.GONE ? Tombstone.read(in) : null;
            List<PeerAddress> peers = in.addresses(MAX_MEMBERS);
            in.end();
            return new FetchReply(status, stamp, data, tombstone, peers);
        }
    }

    // ---- trim: the leader asks a surplus member to leave ----

    /**
     * A hot group's leader asks the receiver to drop its copy, showing the members it sees live. It names no
     * replication factor: the receiver decides from its own view and the group's own factor.
     */
    record Trim(ContentId block, List<PeerAddress> live) {
        byte[] encode() {
            PayloadWriter out = new PayloadWriter(40 + 48 * live.size()).raw(block.toBytes());
            out.addresses(live);
            return out.toByteArray();
        }

        static Trim decode(byte[] payload) throws WireFormatException {
            PayloadReader in = new PayloadReader(payload, "trim request");
            ContentId block = ContentId.fromBytes(in.raw(ContentId.LENGTH_BYTES));
            List<PeerAddress> live = in.addresses(MAX_MEMBERS);
            in.end();
            return new Trim(block, live);
        }
    }

    /** Reply byte: the copy was dropped. */
    static final byte DROPPED = 1;
    /** Reply byte: the receiver keeps its copy (its view disagrees). */
    static final byte KEPT = 0;
    /**
     * Reply byte: the receiver holds no copy of the block (it is in no group of it), so there was nothing to drop. Not
     * "dropped": a trimmer must not learn it erased a copy it never reached.
     */
    static final byte NOT_HELD = 2;

    /** Reply byte to a delete: applied (or already gone). */
    static final byte APPLIED = 1;
    /** Reply byte to a delete: refused (bad signature or another owner), followed by the reason as text. */
    static final byte REFUSED = 0;

    // ---- helpers ----

    private static boolean flag(PayloadReader in, String what) throws WireFormatException {
        int flag = in.u8();
        if (flag > 1) {
            throw in.malformed(what + " flag " + flag);
        }
        return flag == 1;
    }

    private static <E extends Enum<E>> E readStatus(PayloadReader in, E[] values) throws WireFormatException {
        int code = in.u8();
        if (code >= values.length) {
            throw in.malformed("status " + code);
        }
        return values[code];
    }
}
