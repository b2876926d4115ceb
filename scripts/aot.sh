# Sourced by ./coffer and scripts/bench (after scripts/jdk.sh): the JVM's ahead-of-time cache for
# the CLI (JDK 25+, JEP 483/514/515). A cache holds the classes a typical run loads, already parsed,
# linked and with their method profiles, so a `coffer` process skips most of its class loading and
# reaches compiled code sooner. It is made from a training run (dev.coffer.cli.AotTraining: generate,
# init, import, search, verify in a scratch directory) and never stale: its name carries a checksum
# of the JDK's version and of the names, sizes and times of every jar on the classpath, so a rebuild
# or another JDK names another file, and the JVM itself refuses a cache whose jars changed.
# Where the JDK is older than 25, or COFFER_AOT=off, nothing changes: the JVM starts without one.
#
#   coffer_aot_options CLI_DIR   sets COFFER_AOT_OPTS (an array) to the options that use the cache,
#                                or to nothing when it does not exist yet; in that case, unless
#                                COFFER_AOT=sync or off, it starts the training in the background
#                                (niced; at most one at a time) for the next run to use.
#   coffer_aot_train CLI_DIR     makes the cache now and waits for it (scripts/bench does this
#                                before it measures anything).
#
# Both take the directory holding coffer-cli.jar and lib/ (cli/target, or the bench's snapshot).

# The JVM options of every coffer run. The cache is only used when they are the same as in its
# training run, so the launcher and the training take them from here.
coffer_base_java_opts() {
  COFFER_BASE_OPTS=(--enable-native-access=ALL-UNNAMED)
}

coffer_aot_supported() {
  [ "${COFFER_AOT:-auto}" != off ] || return 1
  local major
  major=$(coffer_java_major "$JAVA_HOME/bin/java")
  [ -n "$major" ] && [ "$major" -ge 25 ] 2>/dev/null
}

# Prints the cache's path for the jars in $1 and the JDK in $JAVA_HOME.
coffer_aot_path() {
  local dir="$1" key
  key=$( { cat "$JAVA_HOME/release" 2>/dev/null || "$JAVA_HOME/bin/java" -version 2>&1; \
           cd "$dir" && ls -l --time-style=+%s coffer-cli.jar lib/; } | cksum | cut -d' ' -f1)
  echo "$dir/aot/coffer-$key.aot"
}

# Runs the training and publishes the cache atomically; removes caches of earlier jar sets.
coffer_aot_make() {
  local dir="$1" cache="$2" tmp
  tmp="$cache.$$.tmp"
  coffer_base_java_opts
  # The training runs with no COFFER_* variable: a master key, data directory or password set for
  # real commands must not reach its throw-away scratch archive.
  local unset_coffer=() v
  for v in $(compgen -e); do
    case "$v" in COFFER_*) unset_coffer+=(-u "$v") ;; esac
  done
  if env "${unset_coffer[@]}" "$JAVA_HOME/bin/java" "${COFFER_BASE_OPTS[@]}" -XX:AOTCacheOutput="$tmp" -Xlog:aot=off -Xlog:cds=off \
       -Dorg.slf4j.simpleLogger.defaultLogLevel=error -cp "$dir/coffer-cli.jar:$dir/lib/*" \
       dev.coffer.cli.AotTraining >"$dir/aot/training.log" 2>&1 && [ -s "$tmp" ]; then
    mv -f "$tmp" "$cache"
    find "$dir/aot" -maxdepth 1 -name 'coffer-*.aot' ! -name "$(basename "$cache")" -delete 2>/dev/null || true
  else
    rm -f "$tmp" "$tmp.config"
    return 1
  fi
  rm -f "$tmp.config"
}

coffer_aot_train() {
  local dir="$1" cache
  COFFER_AOT_OPTS=()
  coffer_aot_supported || return 0
  cache=$(coffer_aot_path "$dir")
  [ -f "$cache" ] && return 0
  mkdir -p "$dir/aot"
  coffer_aot_make "$dir" "$cache" || echo "coffer: AOT cache training failed (see $dir/aot/training.log); running without it" >&2
}

coffer_aot_options() {
  local dir="$1" cache lock
  COFFER_AOT_OPTS=()
  coffer_aot_supported || return 0
  cache=$(coffer_aot_path "$dir")
  if [ -f "$cache" ]; then
    # Logging off: a cache the JVM refuses (another JDK build, changed jars) only means a slower
    # start, and its messages would go to standard output, which commands use for their results.
    COFFER_AOT_OPTS=(-XX:AOTCache="$cache" -Xlog:aot=off -Xlog:cds=off)
    return 0
  fi
  [ "${COFFER_AOT:-auto}" = sync ] && { coffer_aot_train "$dir"; [ -f "$cache" ] && COFFER_AOT_OPTS=(-XX:AOTCache="$cache" -Xlog:aot=off -Xlog:cds=off); return 0; }
  mkdir -p "$dir/aot" 2>/dev/null || return 0
  lock="$dir/aot/training.lock"
  # One training at a time; a lock older than 15 minutes is left over from a killed one.
  find "$lock" -maxdepth 0 -mmin +15 -exec rmdir {} \; 2>/dev/null || true
  if mkdir "$lock" 2>/dev/null; then
    ( trap 'rmdir "$lock" 2>/dev/null' EXIT
      nice -n 10 bash -c "$(declare -f coffer_base_java_opts coffer_aot_make); coffer_aot_make \"\$1\" \"\$2\"" _ "$dir" "$cache" \
        >/dev/null 2>&1 ) </dev/null >/dev/null 2>&1 &
    disown 2>/dev/null || true
  fi
}
