package network.butter.api;

import network.butter.wire.ErrorCode;

/** The called node has no handler for the route: usually a typo, or a peer running another application. */
public final class UnknownRouteException extends ButterException {

    private final String route;

    /**
     * @param peer  the node that was called
     * @param route the route it does not know
     */
    public UnknownRouteException(Object peer, String route) {
        super(ErrorCode.UNKNOWN_ROUTE, "no handler for route '" + route + "' on " + peer, null);
        this.route = route;
    }

    /** The route that is not handled. */
    public String route() {
        return route;
    }
}
