# bench/lib.sh: what bench/run.sh and bench/scaling.sh share: an optimised
# build in the private server tree, a throwaway cluster tuned for the
# benchmarks, and writing a result block into doc/performance.md. Sourced.
source "$(dirname "${BASH_SOURCE[0]}")/../tools/common.sh"

PERF_DOC=$ROOT/doc/performance.md
MACHINE="$(nproc) cores ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)), $(free -g | awk '/^Mem:/ {print $2}') GiB"

start_bench_cluster() {
    install_packages
    DEV_CFLAGS=""            # an optimised build, as users install it
    build_extension
    make_private_tree
    trap stop_cluster EXIT
    start_cluster "$BINDIR"
    cat >>"$CLUSTER_DIR/data/postgresql.conf" <<CONF
shared_buffers = 4GB
work_mem = 1GB
max_parallel_workers_per_gather = 2
jit = off
CONF
    as_pg "$BINDIR/pg_ctl" -D "$CLUSTER_DIR/data" -w -s restart -l "$CLUSTER_DIR/server.log"
    psql -X -q -d postgres -c 'CREATE EXTENSION retention'
    SERVER_VERSION=$(psql -X -At -d postgres -c 'SHOW server_version')
}

# build_base_library REF: after start_bench_cluster, REF's optimised
# retention.so built from git archive in $RUN_DIR/base and kept beside this
# checkout's as $RUN_DIR/retention-base.so and retention-current.so, for
# use_library; LIBDIR is the server's library folder.
build_base_library() {
    LIBDIR=$("$BINDIR/pg_config" --pkglibdir)
    cp "$LIBDIR/retention.so" "$RUN_DIR/retention-current.so"
    say "building $1"
    mkdir -p "$RUN_DIR/base"
    git -C "$ROOT" archive "$1" | tar -x -C "$RUN_DIR/base"
    make -C "$RUN_DIR/base" -s PG_CONFIG="$SYS_PG_CONFIG" >/dev/null
    cp "$RUN_DIR/base/retention.so" "$RUN_DIR/retention-base.so"
}

# use_library base|current: retention.so becomes that build, by a rename
# (a new inode: a backend that has the old one mapped keeps it; a new
# session loads the new one)
use_library() {
    cp "$RUN_DIR/retention-$1.so" "$LIBDIR/retention.so.new"
    mv "$LIBDIR/retention.so.new" "$LIBDIR/retention.so"
}

generate_orders() {
    say "generating bench_orders for $1 customers"
    psql -X -q -d postgres -v ON_ERROR_STOP=1 -v customers="$1" -f "$ROOT/bench/orders.sql" >/dev/null
}

# write_block NAME BODY: replace the block <!-- bench:NAME --> ... <!-- /bench:NAME -->
# of doc/performance.md with BODY, or append it as a new section.
write_block() {
    BLOCK="$2" NAME="$1" perl -0pi -e '
        my ($n, $b) = ($ENV{NAME}, $ENV{BLOCK});
        s/(<!-- bench:\Q$n\E -->\n).*?(<!-- \/bench:\Q$n\E -->)/$1$b\n$2/s
          or $_ .= "\n## bench/$n\n\n<!-- bench:$n -->\n$b\n<!-- /bench:$n -->\n";
    ' "$PERF_DOC"
}
