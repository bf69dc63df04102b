package network.butter.runtime;

import network.butter.api.RequestHandler;

/**
 * An application route's handler and where it runs: on a virtual thread of its own (the default, it may block) or,
 * opted in with {@link network.butter.api.Node#handleOnLoop}, on the node loop without a thread hop.
 *
 * @param handler the handler
 * @param onLoop  whether it runs on the node loop
 */
record ServedRoute(RequestHandler handler, boolean onLoop) {
}
