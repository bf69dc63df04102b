package network.butter.examples.wiki;

import java.nio.BufferUnderflowException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;
import network.butter.identity.NodeIdentity;
import network.butter.identity.PeerId;
import network.butter.store.ContentId;
import network.butter.wire.ErrorCode;
import network.butter.wire.PayloadReader;
import network.butter.wire.PayloadWriter;
import network.butter.wire.WireFormatException;

/**
 * One version of one wiki page: which content it has, whose edit it is, and which version it edits. Signed by its
 * author's own Ed25519 key, so any wiki node can check it, whoever passed it on; a record that exists has a valid
 * signature (the constructor checks it), so a forged record cannot get past decoding.
 *
 * <pre>
 *  format u8 (1) | name (u16 + UTF-8) | version u32 | parent record id (32) | content id (32) | author key (32)
 *  | time ms u64 | author name (u16 + UTF-8) | signature (64)
 * </pre>
 *
 * The signature covers {@value #SIGNING_DOMAIN} followed by every byte before the signature; the record's id is the
 * SHA-256 of all its bytes. At most {@link #MAX_RECORD_BYTES} bytes.
 *
 * @param name       the page's name, normalised (see {@link PageName})
 * @param version    1 for a page's first version, its parent's version + 1 after that
 * @param parent     the record this version edits ({@link RecordId#NONE} for version 1)
 * @param content    where the page's text lives in Butter's storage
 * @param author     the author's public key: who signed it
 * @param timeMs     when the author saved it, by the author's clock (it only breaks ties, see {@link PageIndex})
 * @param authorName the name the author chose to show, at most {@link #MAX_AUTHOR_NAME_BYTES} bytes
 * @param signature  the author's Ed25519 signature
 */
public record PageRecord(String name, int version, RecordId parent, ContentId content, PeerId author, long timeMs,
                         String authorName, byte[] signature) {

    /** The format this code writes and reads. */
    public static final int FORMAT = 1;
    /** What a record's signature covers before the record's bytes, so it cannot be passed off as another message. */
    public static final String SIGNING_DOMAIN = "butter-wiki-record-v1";
    /** Longest author name, in UTF-8 bytes. */
    public static final int MAX_AUTHOR_NAME_BYTES = 32;
    /** Largest encoded record. */
    public static final int MAX_RECORD_BYTES = 512;
    /** Highest version number: far beyond {@link PageIndex#MAX_VERSIONS_PER_PAGE}, so only a bound on the field. */
    public static final int MAX_VERSION = 1_000_000;
    private static final int SIGNATURE_BYTES = 64;

    /**
     * Checks every bound and the signature.
     *
     * @throws IllegalArgumentException naming what is wrong: a field out of bounds, a first version with a parent or
     *                                  a later one without, or a signature that is not the author's
     */
    public PageRecord {
        PageName.check(name);
        Objects.requireNonNull(parent, "parent");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(author, "author");
        if (version < 1 || version > MAX_VERSION) {
            throw new IllegalArgumentException("version must be 1-" + MAX_VERSION + ", got " + version);
        }
        if (version == 1 != parent.isNone()) {
            throw new IllegalArgumentException(version == 1 ? "a first version has no parent" : "version " + version + " needs a parent");
        }
        if (timeMs < 0) {
            throw new IllegalArgumentException("time must not be negative, got " + timeMs);
        }
        checkAuthorName(authorName);
        signature = signature.clone();
        if (!author.verify(signedBytes(name, version, parent, content, author, timeMs, authorName), signature)) {
            throw new IllegalArgumentException("the signature is not " + author.shortForm() + "'s");
        }
    }

    /**
     * Signs a new version.
     *
     * @throws IllegalArgumentException if a field is out of bounds
     */
    public static PageRecord sign(NodeIdentity author, String authorName, String name, int version, RecordId parent,
                                  ContentId content, long timeMs) {
        byte[] signature = author.sign(signedBytes(name, version, parent, content, author.peerId(), timeMs, authorName));
        return new PageRecord(name, version, parent, content, author.peerId(), timeMs, authorName, signature);
    }

    /** Checks a name an author wants to show: bounded, no control characters (it may be empty). */
    public static void checkAuthorName(String authorName) {
        Objects.requireNonNull(authorName, "authorName");
        if (authorName.getBytes(StandardCharsets.UTF_8).length > MAX_AUTHOR_NAME_BYTES) {
            throw new IllegalArgumentException("an author name is at most " + MAX_AUTHOR_NAME_BYTES + " bytes of UTF-8");
        }
        if (authorName.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("an author name must not contain control characters");
        }
    }

    /** The signature (a copy). */
    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** The SHA-256 of the record's bytes: how other records and the UI name it. */
    public RecordId id() {
        return RecordId.fromBytes(sha256(encode()));
    }

    /** The bytes on the wire and on disk. */
    public byte[] encode() {
        return unsigned(name, version, parent, content, author, timeMs, authorName).raw(signature).toByteArray();
    }

    /**
     * Reads a record and checks its signature.
     *
     * @throws WireFormatException saying what is wrong: too large, truncated, an unknown format, a field out of
     *                             bounds, or a forged signature
     */
    public static PageRecord decode(byte[] bytes) throws WireFormatException {
        if (bytes.length > MAX_RECORD_BYTES) {
            throw new WireFormatException(ErrorCode.MALFORMED_FRAME,
                "a wiki record of " + bytes.length + " bytes (at most " + MAX_RECORD_BYTES + ")");
        }
        PayloadReader in = new PayloadReader(bytes, "wiki record");
        try {
            int format = in.u8();
            if (format != FORMAT) {
                throw in.malformed("format " + format + " (this node reads " + FORMAT + ")");
            }
            String name = in.text();
            long version = in.u32();
            RecordId parent = RecordId.fromBytes(in.raw(RecordId.LENGTH_BYTES));
            ContentId content = ContentId.fromBytes(in.raw(ContentId.LENGTH_BYTES));
            PeerId author = in.peerId();
            long timeMs = in.u64();
            String authorName = in.text();
            byte[] signature = in.raw(SIGNATURE_BYTES);
            in.end();
            return new PageRecord(name, (int) Math.min(version, Integer.MAX_VALUE), parent, content, author, timeMs, authorName, signature);
        } catch (IllegalArgumentException | BufferUnderflowException e) {
            throw in.malformed(e.getMessage());
        }
    }

    private static byte[] signedBytes(String name, int version, RecordId parent, ContentId content, PeerId author,
                                      long timeMs, String authorName) {
        byte[] domain = SIGNING_DOMAIN.getBytes(StandardCharsets.US_ASCII);
        byte[] fields = unsigned(name, version, parent, content, author, timeMs, authorName).toByteArray();
        byte[] signed = Arrays.copyOf(domain, domain.length + fields.length);
        System.arraycopy(fields, 0, signed, domain.length, fields.length);
        return signed;
    }

    private static PayloadWriter unsigned(String name, int version, RecordId parent, ContentId content, PeerId author,
                                          long timeMs, String authorName) {
        return new PayloadWriter(MAX_RECORD_BYTES).u8(FORMAT).text(name).u32(version).raw(parent.toBytes())
            .raw(content.toBytes()).raw(author.toBytes()).u64(timeMs).text(authorName);
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-256", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PageRecord r && name.equals(r.name) && version == r.version && parent.equals(r.parent)
            && content.equals(r.content) && author.equals(r.author) && timeMs == r.timeMs
            && authorName.equals(r.authorName) && Arrays.equals(signature, r.signature);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
        return "PageRecord[" + name + " v" + version + " by " + author.shortForm() + " " + id().shortForm() + "]";
    }
}
