#!/usr/bin/env bash
# Sourced by ./build, ./butter and .ci/run: exports JAVA_HOME pointing at a JDK >= 21.
# Order: $JAVA_HOME, then `java` on the PATH, then the usual install locations.
# Exits with a clear message when no suitable JDK exists.

butter_java_major() {
  # Prints the feature version of the JDK at $1 (e.g. 21), or nothing if it is not a JDK.
  local home=$1
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 0
  "$home/bin/java" -XshowSettings:properties -version 2>&1 \
    | awk -F'= ' '/java.specification.version/ {print $2; exit}' \
    | awk -F. '{ if ($1 == "1") print $2; else print $1 }'
}

butter_find_java() {
  local required=21 candidate major
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  for candidate in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /Library/Java/JavaVirtualMachines/*/Contents/Home "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    [ -d "$candidate" ] && candidates+=("$candidate")
  done
  local best="" best_major=0
  for candidate in "${candidates[@]}"; do
    major=$(butter_java_major "$candidate")
    [ -n "$major" ] || continue
    # JAVA_HOME wins if it is good enough; otherwise take the newest JDK found.
    if [ "$candidate" = "${JAVA_HOME:-}" ] && [ "$major" -ge "$required" ]; then
      best=$candidate; break
    fi
    if [ "$major" -ge "$required" ] && [ "$major" -gt "$best_major" ]; then
      best=$candidate; best_major=$major
    fi
  done
  if [ -z "$best" ]; then
    echo "error: Butter needs a JDK ${required} or newer, and none was found." >&2
    echo "       Looked at \$JAVA_HOME, the javac on the PATH and /usr/lib/jvm, /usr/java, /opt/java, ~/.sdkman, ~/.jdks." >&2
    echo "       Install one (e.g. Temurin 21 or 25) or point JAVA_HOME at it." >&2
    exit 1
  fi
  export JAVA_HOME=$best
  export PATH="$JAVA_HOME/bin:$PATH"
  # Maven's own libraries call sun.misc.Unsafe, which JDK 24+ warns about on every run; the flag that
  # silences it does not exist before JDK 23, so add it only where it is understood.
  if [ "$(butter_java_major "$best")" -ge 24 ]; then
    case "${MAVEN_OPTS:-}" in
      *sun-misc-unsafe-memory-access*) ;;
      *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;;
    esac
  fi
}

butter_find_java
