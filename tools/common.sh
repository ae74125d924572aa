# tools/common.sh: what the README commands share. Installs the Debian
# packages the project needs, builds the extension, lays out a private copy of
# the PostgreSQL server tree with the extension installed into it, and starts
# and stops a throwaway cluster on a Unix socket. Sourced, never run.

PGVER=${PGVER:-15}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SYS_BINDIR=/usr/lib/postgresql/$PGVER/bin
SYS_PG_CONFIG=$SYS_BINDIR/pg_config

# Every package the build, the demo and the tests need, and nothing else.
PACKAGES=(
    make gcc clang-14 llvm-14
    postgresql-$PGVER postgresql-server-dev-$PGVER postgresql-contrib
    postgresql-$PGVER-pgtap libtap-parser-sourcehandler-pgtap-perl
    libipc-run-perl
    postgresql-$PGVER-cron python3-psycopg2 gnuplot-nox
    libnlopt-dev python3-mpmath
)

# Build flags of development and CI builds (STYLE.md section 7).
DEV_CFLAGS="-DUSE_ASSERT_CHECKING -Wall -Wextra -Werror -Wno-unused-parameter"

say() { printf '%s\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Run a server-side program as a user postgres accepts (it refuses root).
as_pg() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

install_packages() {
    local missing=() p
    for p in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' \
            || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Extra compiler and linker flags for instrumented builds (tools/test.sh
# adds UndefinedBehaviorSanitizer's).
DEV_CFLAGS="$DEV_CFLAGS ${RETENTION_CFLAGS:-}"
DEV_LDFLAGS=${RETENTION_LDFLAGS:-}

build_extension() {
    say "building retention"
    local stamp=$ROOT/tmp_check/build-flags
    # objects built with other flags are rebuilt, not mixed in (make clean
    # also removes tmp_check/)
    if [ "$(cat "$stamp" 2>/dev/null)" != "$DEV_CFLAGS|$DEV_LDFLAGS" ]; then
        make -C "$ROOT" -s PG_CONFIG="$SYS_PG_CONFIG" clean >/dev/null
        mkdir -p "$ROOT/tmp_check"
        echo "$DEV_CFLAGS|$DEV_LDFLAGS" >"$stamp"
    fi
    make -C "$ROOT" -s PG_CONFIG="$SYS_PG_CONFIG" PG_CFLAGS="$DEV_CFLAGS" \
        PG_LDFLAGS="$DEV_LDFLAGS" >/dev/null
}

# A private server tree under tmp_check/: a copy of Debian's server with the
# extension installed into it, so a test run never depends on (or changes)
# what the system server has installed. PostgreSQL finds its share and lib
# directories relative to its binaries, so the copy works where it lies.
make_private_tree() {
    TREE=$ROOT/tmp_check/pgtree
    say "installing into the private server tree $TREE"
    rm -rf "$TREE"
    mkdir -p "$TREE/usr/lib/postgresql" "$TREE/usr/share/postgresql"
    cp -a "/usr/lib/postgresql/$PGVER" "$TREE/usr/lib/postgresql/"
    cp -a "/usr/share/postgresql/$PGVER" "$TREE/usr/share/postgresql/"
    make -C "$ROOT" -s PG_CONFIG="$SYS_PG_CONFIG" PG_CFLAGS="$DEV_CFLAGS" \
        PG_LDFLAGS="$DEV_LDFLAGS" DESTDIR="$TREE" install >/dev/null
    BINDIR=$TREE/usr/lib/postgresql/$PGVER/bin
}

# start_cluster BINDIR: initdb and start a cluster in a fresh temporary
# folder, listening only on a Unix socket there. stop_cluster removes it.
start_cluster() {
    local bindir=$1
    CLUSTER_DIR=$(mktemp -d /tmp/retention.XXXXXX)
    chmod 755 "$CLUSTER_DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$CLUSTER_DIR"
    as_pg "$bindir/initdb" -D "$CLUSTER_DIR/data" -U postgres -A trust \
        -E UTF8 --locale=C --no-sync >"$CLUSTER_DIR/initdb.log" 2>&1 \
        || { cat "$CLUSTER_DIR/initdb.log" >&2; return 1; }
    cat >>"$CLUSTER_DIR/data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$CLUSTER_DIR'
port = 5432
fsync = off
synchronous_commit = off
full_page_writes = off
max_worker_processes = 16
max_parallel_workers = 8
shared_buffers = 512MB
work_mem = 64MB
maintenance_work_mem = 256MB
log_min_messages = warning
CONF
    as_pg "$bindir/pg_ctl" -D "$CLUSTER_DIR/data" -l "$CLUSTER_DIR/server.log" \
        -w -s start || { cat "$CLUSTER_DIR/server.log" >&2; return 1; }
    export PGHOST=$CLUSTER_DIR PGPORT=5432 PGUSER=postgres
    CLUSTER_BINDIR=$bindir
}

stop_cluster() {
    [ -n "${CLUSTER_DIR:-}" ] || return 0
    as_pg "$CLUSTER_BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -m immediate -w -s stop \
        >/dev/null 2>&1 || true
    rm -rf "$CLUSTER_DIR"
    CLUSTER_DIR=
}
