package network.butter.api;

/**
 * Told the answer to a request sent with {@link Node#requestOnLoop}: on the node's event loop, exactly once.
 *
 * <p>It exists for code that only hands an answer on (counts it, queues it, sends the next request) and wants no
 * thread hop for that: a future's callbacks run on a virtual thread of their own, a listener runs where the answer
 * arrived. It must therefore never block, nor run for long: while it runs, the node (and every node sharing its
 * loop) serves nobody. Whatever it throws is logged and otherwise ignored.
 */
@FunctionalInterface
public interface ReplyListener {

    /**
     * The request's outcome: a reply, or why there is none.
     *
     * @param reply   the reply, or null if the request failed
     * @param failure null on success; otherwise the failure, one of the subclasses that
     *                {@link Node#request(network.butter.identity.PeerAddress, String, byte[], java.time.Duration)}
     *                fails its future with
     */
    void onAnswer(Reply reply, ButterException failure);
}
