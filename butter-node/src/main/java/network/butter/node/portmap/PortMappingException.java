package network.butter.node.portmap;

/** A port-mapping step failed; the message says which and why, for the log and the command line. */
class PortMappingException extends Exception {

    private static final long serialVersionUID = 1L;

    PortMappingException(String message) {
        super(message);
    }

    PortMappingException(String message, Throwable cause) {
        super(message, cause);
    }
}
