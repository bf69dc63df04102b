package network.butter.api;

/**
 * Serves one route. Handlers run on their own virtual thread, so they may block (disk, other requests);
 * whatever they throw is reported to the caller as a {@link RemoteHandlerException} and the node keeps serving.
 * Only a {@link PublicException}'s message reaches the caller; anything else is logged here in full under an
 * incident id, and the caller gets only {@code "internal error (incident ID)"}, so internals never leave the node.
 */
@FunctionalInterface
public interface RequestHandler {

    /**
     * Answers a request.
     *
     * @return the reply; must fit in one frame
     * @throws Exception any failure: a {@link PublicException} is reported with its message, anything else as an
     *                   internal error with an incident id
     */
    Reply handle(Request request) throws Exception;
}
