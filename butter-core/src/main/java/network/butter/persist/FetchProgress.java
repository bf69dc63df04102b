package network.butter.persist;

/**
 * How far a read has come: sent after the manifest and after each verified chunk of large content (once, at the
 * end, for content that fits one block).
 *
 * @param blocksDone blocks fetched and verified so far, the manifest included
 * @param blocksTotal blocks the content has, the manifest included
 * @param bytesDone  content bytes fetched and verified so far
 * @param bytesTotal the content's size in bytes
 */
public record FetchProgress(int blocksDone, int blocksTotal, long bytesDone, long bytesTotal) {

    /** Whether everything has been fetched. */
    public boolean complete() {
        return blocksDone == blocksTotal;
    }
}
