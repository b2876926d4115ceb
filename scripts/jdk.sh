# Sourced by ./coffer and ./run-tests: finds a JDK >= 21 and exports JAVA_HOME.
# Order: $JAVA_HOME, then JDKs under /usr/lib/jvm (newest first), then java on PATH.

coffer_java_major() {
  # Prints the major version of the java binary given as $1, or nothing. The JDK's release file
  # says it without starting a JVM (a start costs a noticeable part of a short command's time);
  # a JDK without one is asked.
  local release v
  release="$(dirname "$(dirname "$1")")/release"
  if [ -f "$release" ]; then
    v=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$release" | head -1)
    case "$v" in 1) v=$(sed -n 's/^JAVA_VERSION="1\.\([0-9]*\).*/\1/p' "$release" | head -1) ;; esac
    [ -n "$v" ] && { echo "$v"; return 0; }
  fi
  "$1" -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

coffer_find_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV) \
                   "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    [ -n "$candidate" ] || continue
    candidate="${candidate%/}"
    [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(coffer_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  echo "coffer: no JDK 21 or newer found (looked at \$JAVA_HOME, /usr/lib/jvm and PATH)." >&2
  echo "coffer: install one, e.g. 'apt-get install openjdk-21-jdk-headless', or set JAVA_HOME." >&2
  return 1
}

coffer_need_maven() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "coffer: Maven is needed to build; installing it with apt-get (Debian)..." >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq maven >&2
  fi
}
