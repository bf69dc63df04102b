package network.butter.api;

/**
 * Serves one route. Handlers run on their own virtual thread, so they may block (disk, other requests);
 * whatever they throw is reported to the caller as a {@link RemoteHandlerException} and logged here, and the
 * node keeps serving.
 */
@FunctionalInterface
public interface RequestHandler {

    /**
     * Answers a request.
     *
     * @return the reply; must fit in one frame
     * @throws Exception any failure, reported to the caller with its type and message
     */
    Reply handle(Request request) throws Exception;
}
