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
