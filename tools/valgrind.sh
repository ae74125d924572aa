#!/usr/bin/env bash
# tools/valgrind.sh: the regression suite against a server running under
# valgrind memcheck. A stock Debian server hides small-chunk overruns and
# use-after-free (palloc serves small chunks from 8 kB blocks), so this
# builds Debian's own source of the installed PostgreSQL with
# --enable-cassert --enable-debug and USE_VALGRIND (memory-context chunks are
# then marked for valgrind), once, into a cache folder; builds the extension
# against it; runs pg_regress under valgrind; and fails when valgrind reports
# an error in a frame of the extension or the server log shows a crash.
#
#   bash tools/valgrind.sh            # whole pg_regress suite
#   bash tools/valgrind.sh rfm cltv   # chosen tests
#   bash tools/valgrind.sh test/aggstate_fuzz.sql   # pgTAP files (pg_prove), alone
#                                     # or after named pg_regress tests
#
# VALGRIND_ORIGINS=yes adds --track-origins=yes: the same errors are found,
# and a report of an uninitialised value also says where it was allocated,
# at two to three times the run time. Without it a report still names the
# frame that used the value; rerun that test with origins to find its source.
# VALGRIND_LOGS names the folder the logs are kept in (default
# tmp_check/valgrind-logs; the pg_prove output is kept there too, as
# pgtap.log), so two runs can go side by side, one a core.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PACKAGES+=(valgrind dpkg-dev bzip2 xz-utils)
install_packages

# The postgres user runs the build, so the cache must be readable by it
# (root's home is not).
if [ "$(id -u)" -eq 0 ]; then default_cache=/var/cache/retention; else default_cache=${XDG_CACHE_HOME:-$HOME/.cache}/retention; fi
CACHE=${RETENTION_CACHE:-$default_cache}/pg-valgrind-$PGVER
VG_PREFIX=$CACHE/install

# 1. Debian's source of the installed server, through a private apt set-up
#    (deb-src lines), so the system's apt configuration is left as it is.
build_valgrind_server() {
    local apt=$CACHE/apt src
    mkdir -p "$apt/lists/partial" "$CACHE/src"
    cat >"$apt/src.sources" <<SOURCES
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
    local opts=(-q -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$apt"
                -o Dir::State::Lists="$apt/lists")
    apt-get "${opts[@]}" update >/dev/null 2>&1
    # the installed version's source, else the newest one the archive serves
    # (a mirror may list a security release whose files it lacks); the
    # server under valgrind is a build of its own, so the minor may differ
    local v got=
    for v in $(apt-cache "${opts[@]}" showsrc "postgresql-$PGVER" 2>/dev/null |
               sed -n 's/^Version: //p' | sort -urV); do
        say "fetching the source of postgresql-$PGVER $v"
        if (cd "$CACHE/src" && apt-get "${opts[@]}" source --download-only \
                "postgresql-$PGVER=$v" >/dev/null 2>&1); then got=$v; break; fi
    done
    [ -n "$got" ] || { say "no source of postgresql-$PGVER could be fetched"; return 1; }
    rm -rf "$CACHE/build"; mkdir -p "$CACHE/build"
    tar -xjf "$CACHE/src/postgresql-${PGVER}_${got%-*}.orig.tar.bz2" -C "$CACHE/build" --strip-components=1
    say "building PostgreSQL $got with cassert and USE_VALGRIND (several minutes)"
    (cd "$CACHE/build" &&
        ./configure --prefix="$VG_PREFIX" --enable-cassert --enable-debug \
            --without-readline --without-zlib --without-icu \
            CFLAGS="-O1 -g -fno-omit-frame-pointer" CPPFLAGS="-DUSE_VALGRIND" >"$CACHE/configure.log" 2>&1 &&
        make -s -j"$(nproc)" >"$CACHE/make.log" 2>&1 &&
        make -s install >>"$CACHE/make.log" 2>&1) \
        || { tail -n 40 "$CACHE/configure.log" "$CACHE/make.log" >&2; return 1; }
    cp "$CACHE/build/src/tools/valgrind.supp" "$CACHE/valgrind.supp"
}
[ -x "$VG_PREFIX/bin/postgres" ] || build_valgrind_server

# 2. The extension, built in a copy of the tree (PGXS builds in place, and
#    the normal build's objects must not be mixed in) against a copy of the
#    cached server made for this run, into which it is installed: two runs
#    side by side never test each other's library.
VG_PID=
stop_vg_server() {
    [ -n "$VG_PID" ] || return 0
    as_pg "$SERVER/bin/pg_ctl" -D "$VG_DIR/data" -m fast -w -t 300 stop >/dev/null 2>&1 || true
    wait "$VG_PID" 2>/dev/null || true
    VG_PID=
}
BUILD=$(mktemp -d /tmp/retention-vg-build.XXXXXX)
trap 'stop_vg_server; rm -rf "$BUILD"' EXIT
chmod 755 "$BUILD"
SERVER=$BUILD/server
cp -a "$VG_PREFIX" "$SERVER"
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$BUILD")
make -C "$BUILD" -s PG_CONFIG="$SERVER/bin/pg_config" PG_CFLAGS="-Wall -g -O1" with_llvm=no >/dev/null
make -C "$BUILD" -s PG_CONFIG="$SERVER/bin/pg_config" with_llvm=no install >/dev/null
# pgTAP files need pgtap (SQL only: Debian's files) and the test-only module
make -C "$BUILD/test/modules/retention_test" -s PG_CONFIG="$SERVER/bin/pg_config" \
    PG_CFLAGS="-Wall -g -O1" with_llvm=no install >/dev/null
cp /usr/share/postgresql/$PGVER/extension/pgtap* "$("$SERVER/bin/pg_config" --sharedir)/extension/"

# 3. A cluster whose postmaster and every backend run under memcheck.
VG_DIR=$(mktemp -d /tmp/retention-vg.XXXXXX)
chmod 755 "$VG_DIR"; [ "$(id -u)" -eq 0 ] && chown postgres: "$VG_DIR"
as_pg "$SERVER/bin/initdb" -D "$VG_DIR/data" -U postgres -A trust --no-sync >/dev/null
cat >>"$VG_DIR/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$VG_DIR'
fsync = off
max_parallel_workers_per_gather = 2
max_worker_processes = 8
CONF
say "starting the server under valgrind"
as_pg valgrind --quiet --trace-children=yes --track-origins="${VALGRIND_ORIGINS:-no}" --read-var-info=yes \
    --num-callers=40 --error-limit=no --leak-check=no \
    --suppressions="$CACHE/valgrind.supp" --log-file="$VG_DIR/valgrind.%p.log" \
    "$SERVER/bin/postgres" -D "$VG_DIR/data" >"$VG_DIR/server.log" 2>&1 &
VG_PID=$!
for _ in $(seq 1 300); do
    "$SERVER/bin/pg_isready" -q -h "$VG_DIR" && break
    sleep 1
done

# 4. The suite; a failed comparison is reported, valgrind decides the result.
tests=() taps=()
for t in "$@"; do
    case $t in *.sql) taps+=("$t") ;; *) tests+=("$t") ;; esac
done
[ $# -gt 0 ] || tests=($(cd "$ROOT/sql" && ls *.sql | sed 's/\.sql$//'))
start=$(date +%s)
regress=ok
if [ ${#tests[@]} -gt 0 ] && ! (cd "$BUILD" && "$(dirname "$("$SYS_PG_CONFIG" --pgxs)")/../../src/test/regress/pg_regress" --host="$VG_DIR" \
        --user=postgres --bindir="$SERVER/bin" --inputdir=. --load-extension=retention \
        --dbname=contrib_regression "${tests[@]}"); then regress=failed; fi
if [ ${#taps[@]} -gt 0 ]; then
    "$SERVER/bin/psql" -X -q -h "$VG_DIR" -U postgres -d postgres -c 'CREATE DATABASE retention_tap'
    "$SERVER/bin/psql" -X -q -h "$VG_DIR" -U postgres -d retention_tap \
        -c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION retention' \
        -c 'ALTER DATABASE retention_tap SET retention_test.sweep_sample = 40'
    # from the snapshot in $BUILD: psql reads a file as it goes, and the
    # worktree may change during a long run
    (cd "$BUILD" && PGHOST=$VG_DIR PGUSER=postgres pg_prove -v -d retention_tap "${taps[@]}") \
        >"$VG_DIR/pgtap.log" 2>&1 || regress=failed
    grep -vE '^\s*ok [0-9]+' "$VG_DIR/pgtap.log" || true
fi
stop_vg_server
elapsed=$(( $(date +%s) - start ))

# An error is ours when a frame names one of our source files (the build
# has debug information, so frames show file:line rather than the .so).
our_frames="\\(($(cd "$ROOT" && ls src/*.c src/*/*.c | xargs -n1 basename | sed 's/\./\\./' | paste -sd'|')):[0-9]+\\)|retention\\.so"
LOGKEEP=${VALGRIND_LOGS:-$ROOT/tmp_check/valgrind-logs}
rm -rf "$LOGKEEP"; mkdir -p "$LOGKEEP"
[ -f "$VG_DIR/pgtap.log" ] && cp "$VG_DIR/pgtap.log" "$LOGKEEP/"
errors_in_ext=0 errors_all=0
for log in "$VG_DIR"/valgrind.*.log; do
    [ -s "$log" ] || continue
    cp "$log" "$LOGKEEP/"
    n=$(grep -cE '^==[0-9]+== (Invalid|Conditional|Use of uninit|Syscall param|Source and destination|Mismatched|Argument)' "$log" || true)
    errors_all=$((errors_all + n))
    if grep -qE "$our_frames" "$log"; then
        errors_in_ext=$((errors_in_ext + n))
        cat "$log"
    fi
done
crashes=$(grep -cE 'terminated by signal|was terminated by exception' "$VG_DIR/server.log" || true)
# (no regression.diffs when only pgTAP files failed; pipefail must not end the script here)
[ "$regress" = ok ] || head -n 200 "$BUILD/regression.diffs" 2>/dev/null || true
echo "valgrind (track-origins=${VALGRIND_ORIGINS:-no}): ${#tests[@]} regression tests and ${#taps[@]} pgTAP files in ${elapsed}s (tests $regress);" \
     "errors with extension frames: $errors_in_ext; errors in all: $errors_all (logs in $LOGKEEP); crashes: $crashes"
rm -rf "$VG_DIR"
[ "$errors_in_ext" -eq 0 ] && [ "$crashes" -eq 0 ] && [ "$regress" = ok ]
