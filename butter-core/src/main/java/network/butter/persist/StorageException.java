package network.butter.persist;

import network.butter.store.ContentId;

/**
 * Why a storage operation failed. The subclasses say exactly what happened; every one names the content
 * concerned.
 */
public class StorageException extends RuntimeException {

    private final transient ContentId content;

    /** A failure concerning {@code content}. */
    public StorageException(ContentId content, String message) {
        super(message);
        this.content = content;
    }

    /** The content the operation was about (a block of it, for a failure of one block). */
    public ContentId content() {
        return content;
    }

    /** Fewer members than the write quorum could take a block: the put is not durable enough to acknowledge. */
    public static final class InsufficientReplicasException extends StorageException {
        private final int stored;
        private final int required;
        private final boolean noRoom;

        /** @param stored members that hold the block; @param required the write quorum */
        public InsufficientReplicasException(ContentId block, int stored, int required, String why) {
            this(block, stored, required, why, false);
        }

        /**
         * @param stored members that hold the block
         * @param required the write quorum
         * @param noRoom whether every peer asked that did not take the block said it had no room (trying again soon
         *               is useless)
         */
        public InsufficientReplicasException(ContentId block, int stored, int required, String why, boolean noRoom) {
            super(block, "only " + stored + " of the " + required + " required members took block " + block + ": " + why);
            this.stored = stored;
            this.required = required;
            this.noRoom = noRoom;
        }

        /**
         * Whether every peer asked that did not take the block said it had no room (its store full, or the owner's
         * share of it): the network cannot take more of this owner's content until room is made, so trying again at
         * once is useless.
         */
        public boolean noRoom() {
            return noRoom;
        }

        /** Members that did take the block (it may still persist there). */
        public int stored() {
            return stored;
        }

        /** The write quorum. */
        public int required() {
            return required;
        }
    }

    /** No reachable peer had the content. */
    public static final class ContentNotFoundException extends StorageException {
        /** @param asked how many peers were asked */
        public ContentNotFoundException(ContentId content, int asked) {
            super(content, "content " + content + " not found after asking " + asked + " peers");
        }
    }

    /** The content was deleted by its owner. */
    public static final class ContentDeletedException extends StorageException {
        /** The content's owner deleted it. */
        public ContentDeletedException(ContentId content) {
            super(content, "content " + content + " was deleted by its owner");
        }
    }

    /** An update or delete was refused: not signed by the owner, or about content that cannot be changed so. */
    public static final class MutationRejectedException extends StorageException {
        /** Refused, for the reason given. */
        public MutationRejectedException(ContentId content, String why) {
            super(content, "cannot change " + content + ": " + why);
        }
    }
}
