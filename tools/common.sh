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
    postgresql-$PGVER-cron python3-psycopg2 python3-mpmath gnuplot-nox
    r-base-core r-cran-survival
    libnlopt-dev
    git unzip dpkg-dev debhelper postgresql-server-dev-all
)

# Build flags of development and CI builds (STYLE.md section 7).
DEV_CFLAGS="-DUSE_ASSERT_CHECKING -Wall -Wextra -Werror -Wno-unused-parameter"

say() { printf '%s\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Run a server-side program as a user postgres accepts (it refuses root),
# from / when the postgres user cannot enter the current folder (a checkout
# in root's home), so that programs do not warn that they cannot.
as_pg() {
    if [ "$(id -u)" -ne 0 ]; then "$@"; return; fi
    if runuser -u postgres -- test -x . 2>/dev/null; then
        runuser -u postgres -- "$@"
    else
        (cd / && runuser -u postgres -- "$@")
    fi
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

# build_extension [release]: the development build (DEV_CFLAGS and
# DEV_LDFLAGS: warnings as errors, assertions, and what tools/test.sh adds),
# or with "release" the build users get from make install (PGXS's own flags
# only), in the checkout.
build_extension() {
    local cflags=$DEV_CFLAGS ldflags=$DEV_LDFLAGS
    [ "${1:-}" = release ] && cflags= ldflags=
    say "building retention${1:+ ($1 build)}"
    local stamp=$ROOT/tmp_check/build-flags
    # objects built with other flags are rebuilt, not mixed in (make clean
    # also removes tmp_check/)
    if [ "$(cat "$stamp" 2>/dev/null)" != "$cflags|$ldflags" ]; then
        make -C "$ROOT" -s PG_CONFIG="$SYS_PG_CONFIG" clean >/dev/null
        mkdir -p "$ROOT/tmp_check"
        echo "$cflags|$ldflags" >"$stamp"
    fi
    make -C "$ROOT" -s PG_CONFIG="$SYS_PG_CONFIG" PG_CFLAGS="$cflags" \
        PG_LDFLAGS="$ldflags" >/dev/null
}

# A run folder outside the checkout, readable by the postgres user: the
# checkout may lie where only its owner can enter (root's home is mode 700,
# a mktemp -d folder too), and the server and the Perl TAP tests run as
# postgres. Made once per run under /var/tmp; cleanup_run removes it.
make_run_dir() {
    [ -n "${RUN_DIR:-}" ] && return 0
    RUN_DIR=$(mktemp -d "${RETENTION_RUN_PARENT:-/var/tmp}/retention-run.XXXXXX")
    chmod 755 "$RUN_DIR"
    if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$RUN_DIR"; then
        say "the postgres user cannot enter $RUN_DIR; set RETENTION_RUN_PARENT to a folder it can reach"
        return 1
    fi
}

# A private server tree in the run folder: a copy of Debian's server with
# the extension installed into it, so a test run never depends on (or
# changes) what the system server has installed. PostgreSQL finds its share
# and lib directories relative to its binaries, so the copy works where it
# lies.
make_private_tree() {
    make_run_dir
    TREE=$RUN_DIR/pgtree
    say "installing into the private server tree $TREE"
    rm -rf "$TREE"
    mkdir -p "$TREE/usr/lib/postgresql" "$TREE/usr/share/postgresql"
    cp -a "/usr/lib/postgresql/$PGVER" "$TREE/usr/lib/postgresql/"
    cp -a "/usr/share/postgresql/$PGVER" "$TREE/usr/share/postgresql/"
    make -C "$ROOT" -s PG_CONFIG="$SYS_PG_CONFIG" PG_CFLAGS="$DEV_CFLAGS" \
        PG_LDFLAGS="$DEV_LDFLAGS" DESTDIR="$TREE" install >/dev/null
    BINDIR=$TREE/usr/lib/postgresql/$PGVER/bin
}

# copy_checkout DEST: the checkout's files (tracked and untracked, not the
# ignored build output) copied to DEST, readable by everyone; with a copy
# of ../shared/data beside it when that exists (tests read
# $RETENTION_ROOT/../shared/data). A checkout without git (an unpacked
# release archive) is copied whole, less tmp_check/ and results/.
copy_checkout() {
    local dest=$1
    mkdir -p "$dest"
    if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard |
            xargs -0 cp --parents -t "$dest" 2>/dev/null) || true
    else
        tar -C "$ROOT" --exclude=./tmp_check --exclude=./results -cf - . | tar -C "$dest" -xf -
    fi
    if [ -d "$ROOT/../shared/data" ]; then
        mkdir -p "$dest/../shared"
        cp -r "$ROOT/../shared/data" "$dest/../shared/"
    fi
    chmod -R u+w,a+rX "$dest"
    [ -d "$dest/../shared" ] && chmod -R u+w,a+rX "$dest/../shared"
    return 0
}

# start_cluster BINDIR: initdb and start a cluster in a fresh temporary
# folder, listening only on a Unix socket there. stop_cluster removes it.
start_cluster() {
    local bindir=$1
    CLUSTER_BINDIR=$bindir
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
}

stop_cluster() {
    [ -n "${CLUSTER_DIR:-}" ] || return 0
    [ -x "${CLUSTER_BINDIR:-}/pg_ctl" ] && as_pg "$CLUSTER_BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -m immediate -w -s stop \
        >/dev/null 2>&1 || true
    rm -rf "$CLUSTER_DIR"
    CLUSTER_DIR=
}

# cleanup_run: stop the cluster and remove the run folder (an EXIT trap).
cleanup_run() {
    stop_cluster
    [ -n "${RUN_DIR:-}" ] && rm -rf "$RUN_DIR"
    RUN_DIR=
}
