#!/usr/bin/env bash
# tools/portability.sh: the extension built and tested on PostgreSQL versions
# other than the installed 15. For each version: a server of that version
# (see below), the extension built against it with warnings as errors and
# installed there, a throwaway cluster of that version, the whole pg_regress
# suite and the pgTAP files; one summary line per version at the end.
#
#   bash tools/portability.sh            # PostgreSQL 13 and 17
#   bash tools/portability.sh 17         # one version
#
# The server of a version comes from the Debian suite that still has it:
# 13 from bullseye, 15 from bookworm, 17 from trixie; 14 and 16 are in no
# suite Debian serves and are refused. Debian's source of postgresql-N is
# fetched through a private apt set-up (the system's apt configuration is
# left as it is) and built once, with assertions on, into
# $RETENTION_CACHE/pg-N/install (under nice: 2.5 minutes on 2 idle cores,
# 8 with a valgrind run beside it). When the mirror lists the source but
# does not serve its files (postgresql-17 here), Debian's binary packages
# of that suite are used instead, in a chroot made once with debootstrap
# in $RETENTION_CACHE/pg-N/root (1 to 2 minutes; the suite's glibc is
# newer than bookworm's, so its binaries only run there). The cache
# defaults to /var/cache/retention for root. Logs, regression diffs and
# results of each version are kept in tmp_check/portability-N/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PACKAGES+=(dpkg-dev bzip2 xz-utils debootstrap)
install_packages

# The postgres user runs the servers, so the cache must be readable by it
# (root's home is not).
if [ "$(id -u)" -eq 0 ]; then default_cache=/var/cache/retention; else default_cache=${XDG_CACHE_HOME:-$HOME/.cache}/retention; fi
CACHE_ROOT=${RETENTION_CACHE:-$default_cache}

# The Debian suite that still has each major version.
suite_of() {
    case $1 in
        13) echo bullseye ;;
        15) echo bookworm ;;
        17) echo trixie ;;
        *) return 1 ;;
    esac
}

# fetch_source N: Debian's source of postgresql-N into $CACHE_ROOT/pg-N/src,
# the newest version whose files the mirror really serves (a mirror may list
# a release whose files it lacks). Prints the version; fails when none.
fetch_source() {
    local n=$1 suite apt v
    suite=$(suite_of "$n") apt=$CACHE_ROOT/pg-$n/apt
    mkdir -p "$apt/lists/partial" "$CACHE_ROOT/pg-$n/src"
    cat >"$apt/src.sources" <<SOURCES
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
    local opts=(-q -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$apt"
                -o Dir::State::Lists="$apt/lists")
    apt-get "${opts[@]}" update >/dev/null 2>&1 || true
    for v in $(apt-cache "${opts[@]}" showsrc "postgresql-$n" 2>/dev/null |
               sed -n 's/^Version: //p' | sort -urV); do
        say "fetching the source of postgresql-$n $v ($suite)"
        if (cd "$CACHE_ROOT/pg-$n/src" && apt-get "${opts[@]}" source --download-only \
                "postgresql-$n=$v" >/dev/null 2>&1); then echo "$v"; return 0; fi
        say "the mirror lists postgresql-$n $v but does not serve its files"
    done
    return 1
}

# build_server N VERSION: that source, configured minimal (no readline,
# zlib, ICU or LLVM: neither the extension nor its tests need them) with
# assertions on, as development builds, so that core's own checks (memory
# contexts, clobbered freed memory) run against our calls into that
# version's API; installed into $CACHE_ROOT/pg-N/install.
build_server() {
    local n=$1 v=$2 cache=$CACHE_ROOT/pg-$1
    rm -rf "$cache/build" "$cache/install"; mkdir -p "$cache/build"
    tar -xf "$(ls "$cache/src/postgresql-${n}_${v%-*}".orig.tar.* | head -n 1)" \
        -C "$cache/build" --strip-components=1
    say "building PostgreSQL $v into $cache/install (minutes)"
    (cd "$cache/build" &&
        ./configure --prefix="$cache/install" --enable-cassert \
            --without-readline --without-zlib --without-icu --without-llvm \
            >"$cache/configure.log" 2>&1 &&
        nice -n 10 make -s -j2 >"$cache/make.log" 2>&1 &&
        make -s install >>"$cache/make.log" 2>&1) \
        || { tail -n 40 "$cache/configure.log" "$cache/make.log" >&2; rm -rf "$cache/install"; return 1; }
    rm -rf "$cache/build"
    echo "source build of Debian $v, cassert" >"$cache/install/origin"
}

# make_root N: a chroot of the suite with Debian's postgresql-N server,
# headers, pgTAP and a compiler, in $CACHE_ROOT/pg-N/root. No service is
# started while the packages install (policy-rc.d).
make_root() {
    local n=$1 suite root=$CACHE_ROOT/pg-$1/root
    suite=$(suite_of "$n")
    # (a run stopped midway may have left mounts there: never remove
    # through them)
    grep -o " $root/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount 2>/dev/null || true
    rm -rf --one-file-system "$root"; mkdir -p "$root"
    say "making a $suite chroot with Debian's postgresql-$n in $root (a minute or two)"
    nice -n 10 debootstrap --variant=minbase --include=gcc,make,libnlopt-dev \
        "$suite" "$root" http://deb.debian.org/debian >"$CACHE_ROOT/pg-$n/debootstrap.log" 2>&1 \
        || { tail -n 40 "$CACHE_ROOT/pg-$n/debootstrap.log" >&2; return 1; }
    printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"; chmod 755 "$root/usr/sbin/policy-rc.d"
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "postgresql-$n" "postgresql-server-dev-$n" "postgresql-$n-pgtap" \
        libtap-parser-sourcehandler-pgtap-perl >>"$CACHE_ROOT/pg-$n/debootstrap.log" 2>&1 \
        || { tail -n 40 "$CACHE_ROOT/pg-$n/debootstrap.log" >&2; return 1; }
    # the cluster the package made is not used
    chroot "$root" pg_dropcluster "$n" main >/dev/null 2>&1 || true
    echo "Debian $suite packages $(chroot "$root" dpkg-query -W -f='${Version}' "postgresql-$n"), chroot" \
        >"$root/usr/lib/postgresql/$n/origin"
}

# The current version's set-up, made by prepare N (which first makes the
# server when it is not cached, and sets MADE to the seconds that took):
# commands run in the chroot or on the host (in_root), the server's bin
# folder as they see it (PG_BIN), the host path of their / (HOST_ROOT:
# empty on the host), and whether pgTAP must be copied from the installed
# 15 (source builds have none of their own).
IN_CHROOT= PG_BIN= HOST_ROOT= COPY_PGTAP=
in_root() { if [ -n "$IN_CHROOT" ]; then chroot "$HOST_ROOT" "$@"; else "$@"; fi; }
as_pg_in_root() { if [ "$(id -u)" -eq 0 ]; then in_root runuser -u postgres -- "$@"; else in_root "$@"; fi; }
MOUNTED=()
unmount_all() {
    local m
    for m in "${MOUNTED[@]}"; do umount "$m" 2>/dev/null || true; done
    MOUNTED=()
}

prepare() {
    local n=$1 v cache=$CACHE_ROOT/pg-$1
    # (the origin file is written last: a server made only halfway is made again)
    if [ -f "$cache/install/origin" ]; then :
    elif [ -f "$cache/root/usr/lib/postgresql/$n/origin" ]; then :
    else
        local t0
        t0=$(date +%s)
        if v=$(fetch_source "$n"); then build_server "$n" "$v" || return 1
        else
            [ "$(id -u)" -eq 0 ] || { say "a chroot needs root"; return 1; }
            make_root "$n" || return 1
        fi
        MADE=$(( $(date +%s) - t0 ))
    fi
    if [ -f "$cache/install/origin" ]; then
        IN_CHROOT= HOST_ROOT= PG_BIN=$cache/install/bin COPY_PGTAP=yes
    else
        IN_CHROOT=yes HOST_ROOT=$cache/root PG_BIN=/usr/lib/postgresql/$n/bin COPY_PGTAP=
        mkdir -p "$HOST_ROOT/dev/shm"
        mount -t proc proc "$HOST_ROOT/proc" && MOUNTED+=("$HOST_ROOT/proc")
        mount -t tmpfs tmpfs "$HOST_ROOT/dev/shm" && MOUNTED+=("$HOST_ROOT/dev/shm")
    fi
    ORIGIN=$(cat "$HOST_ROOT$PG_BIN/../origin")
}

# A throwaway cluster of the current version on a Unix socket in a fresh
# folder (SOCK, as the server sees it).
SOCK=
start_server() {
    SOCK=$(mktemp -d "$HOST_ROOT/tmp/retention-port.XXXXXX"); SOCK=${SOCK#"$HOST_ROOT"}
    chmod 755 "$HOST_ROOT$SOCK"; [ "$(id -u)" -eq 0 ] && in_root chown postgres: "$SOCK"
    as_pg_in_root "$PG_BIN/initdb" -D "$SOCK/data" -U postgres -A trust -E UTF8 --locale=C \
        --no-sync >"$KEEP/initdb.log" 2>&1 || { cat "$KEEP/initdb.log" >&2; return 1; }
    cat >>"$HOST_ROOT$SOCK/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$SOCK'
fsync = off
synchronous_commit = off
max_worker_processes = 16
max_parallel_workers = 8
work_mem = 64MB
CONF
    as_pg_in_root "$PG_BIN/pg_ctl" -D "$SOCK/data" -l "$SOCK/server.log" -w -s start \
        || { cat "$HOST_ROOT$SOCK/server.log" >&2; return 1; }
}
stop_server() {
    [ -n "$SOCK" ] || return 0
    as_pg_in_root "$PG_BIN/pg_ctl" -D "$SOCK/data" -m fast -w -s stop >/dev/null 2>&1 || true
    cp "$HOST_ROOT$SOCK/server.log" "$KEEP/" 2>/dev/null || true
    rm -rf "$HOST_ROOT$SOCK"
    SOCK=
}

# test_version N: sets SUMMARY (and, through prepare, MADE: the seconds it
# took to make the server when it was not cached); fails when anything
# failed.
test_version() {
    local n=$1 start build pg_config ok skip bad rc nreg regress=failed tap tap_ok=no
    start=$(date +%s)
    nreg=$(ls "$ROOT"/sql/*.sql | wc -l)
    SUMMARY="PostgreSQL $n: "
    if ! suite_of "$n" >/dev/null; then
        SUMMARY+="not available (no Debian suite serves postgresql-$n)"
        return 1
    fi
    KEEP=$ROOT/tmp_check/portability-$n
    rm -rf "$KEEP"; mkdir -p "$KEEP"
    if ! prepare "$n"; then
        SUMMARY+="no server (see $CACHE_ROOT/pg-$n/*.log)"
        return 1
    fi
    start=$(date +%s)
    pg_config=$PG_BIN/pg_config
    SUMMARY="PostgreSQL $(in_root "$pg_config" --version | sed 's/^PostgreSQL //; s/ .*//') ($ORIGIN): "

    # 1. The extension (and the test-only module of the state fuzz), built
    # in a copy of the tree: PGXS builds in place, and the normal build's
    # objects must not be mixed in.
    build=$(mktemp -d "$HOST_ROOT/tmp/retention-port-build.XXXXXX")
    (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$build")
    build=${build#"$HOST_ROOT"}
    say "building retention against PostgreSQL $n"
    if ! { in_root make -C "$build" -s -j2 PG_CONFIG="$pg_config" PG_CFLAGS="$DEV_CFLAGS" \
               PG_LDFLAGS="$DEV_LDFLAGS" with_llvm=no &&
           in_root make -C "$build" -s PG_CONFIG="$pg_config" with_llvm=no install &&
           in_root make -C "$build/test/modules/retention_test" -s PG_CONFIG="$pg_config" \
               PG_CFLAGS="$DEV_CFLAGS" PG_LDFLAGS="$DEV_LDFLAGS" with_llvm=no install; } \
            >"$KEEP/build.log" 2>&1; then
        cat "$KEEP/build.log" >&2
        SUMMARY+="build failed (warnings are errors; $KEEP/build.log), tests not run; $(( $(date +%s) - start ))s"
        rm -rf "$HOST_ROOT$build"
        return 1
    fi
    [ -z "$COPY_PGTAP" ] || cp /usr/share/postgresql/$PGVER/extension/pgtap* \
        "$HOST_ROOT$(in_root "$pg_config" --sharedir)/extension/"

    if ! start_server; then
        SUMMARY+="build ok, but the server did not start ($KEEP)"
        stop_server; rm -rf "$HOST_ROOT$build"
        return 1
    fi
    # 2. pg_regress, every file of sql/, with that version's pg_regress
    say "== pg_regress on PostgreSQL $n"
    if in_root sh -c 'cd "$1" && shift && exec "$@"' sh "$build" \
            "$(dirname "$(in_root "$pg_config" --pgxs)")/../../src/test/regress/pg_regress" \
            --host="$SOCK" --user=postgres --bindir="$PG_BIN" --inputdir=. \
            --load-extension=retention --dbname=contrib_regression \
            $(cd "$ROOT/sql" && ls *.sql | sed 's/\.sql$//') >"$KEEP/regress.log" 2>&1; then
        regress=ok
    fi
    cat "$KEEP/regress.log"
    # "test x ... ok" (13 to 15) or "ok 1 - x" (16 and later)
    ok=$(grep -cE '^(ok [0-9]+|test .* \.\.\. ok|\s+\S+\s+\.\.\. ok)' "$KEEP/regress.log" || true)
    bad=$(grep -cE '^(not ok [0-9]+|test .* \.\.\. FAILED|\s+\S+\s+\.\.\. FAILED)' "$KEEP/regress.log" || true)
    [ "$regress" = ok ] || [ "$bad" -gt 0 ] || bad=$((nreg - ok))
    cp "$HOST_ROOT$build/regression.diffs" "$KEEP/" 2>/dev/null || true
    cp -r "$HOST_ROOT$build/results" "$KEEP/" 2>/dev/null || true
    SUMMARY+="build ok; pg_regress $ok of $nreg passed, $bad failed"

    # 3. pgTAP, when its SQL loads on that version
    say "== pgTAP on PostgreSQL $n"
    in_root "$PG_BIN/psql" -X -q -h "$SOCK" -U postgres -d postgres -c 'CREATE DATABASE retention_tap' >/dev/null
    if in_root "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$SOCK" -U postgres -d retention_tap \
            -c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION retention' >"$KEEP/pgtap-install.log" 2>&1; then
        if in_root sh -c 'cd "$1" && shift && exec "$@"' sh "$build" \
                env PATH="$PG_BIN:$PATH" PGHOST="$SOCK" PGUSER=postgres \
                pg_prove -v -d retention_tap $(cd "$ROOT" && ls test/*.sql) >"$KEEP/pgtap.log" 2>&1; then
            rc=0
        else rc=$?; fi
        grep -vE '^\s*ok [0-9]+' "$KEEP/pgtap.log" || true
        ok=$(grep -cE '^\s*ok [0-9]+' "$KEEP/pgtap.log" || true)
        skip=$(grep -cE '^\s*ok [0-9]+.*# (SKIP|skip)' "$KEEP/pgtap.log" || true)
        bad=$(grep -E '^\s*not ok [0-9]+' "$KEEP/pgtap.log" | grep -cvE '# (TODO|todo)' || true)
        [ "$rc" -eq 0 ] || [ "$bad" -gt 0 ] || bad=1
        tap="$((ok - skip)) passed, $bad failed, $skip skipped"
        [ "$rc" -ne 0 ] || [ "$bad" -ne 0 ] || tap_ok=yes
    else
        cat "$KEEP/pgtap-install.log" >&2
        tap="not run (pgtap does not load: $KEEP/pgtap-install.log)"
    fi
    stop_server
    unmount_all
    rm -rf "$HOST_ROOT$build"
    SUMMARY+="; pgTAP $tap; $(( $(date +%s) - start ))s"
    [ "$regress" = ok ] && [ "$tap_ok" = yes ]
}

versions=("$@")
[ ${#versions[@]} -gt 0 ] || versions=(13 17)
trap 'stop_server; unmount_all' EXIT
summaries=() status=0
for n in "${versions[@]}"; do
    MADE=0
    if test_version "$n"; then :; else status=1; stop_server; unmount_all; fi
    [ "$MADE" -eq 0 ] || SUMMARY+=" (and ${MADE}s to make the server)"
    summaries+=("$SUMMARY")
done
printf '%s\n' "${summaries[@]}"
exit "$status"
