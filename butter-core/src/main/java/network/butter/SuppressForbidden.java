package network.butter;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the few places in the deterministic core that may use an API banned by
 * {@code build-tools/deterministic-core.signatures}, for example the identity store that reads a key file.
 * Every use must say why in {@link #value()}; protocol logic never needs it.
 */
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.FIELD})
public @interface SuppressForbidden {
    /** Why this use is safe: it is not protocol logic, or it is the environment itself. */
    String value();
}
