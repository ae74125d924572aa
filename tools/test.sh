#!/usr/bin/env bash
# tools/test.sh: the README test command. Installs what is missing from
# Debian, builds the extension with warnings as errors and assertions on,
# installs it into a private server tree (in a run folder under /var/tmp
# that the postgres user can read, wherever the checkout lies), starts a throwaway cluster and runs
# the whole suite: pg_regress (sql/ + expected/), pgTAP (test/*.sql) and Perl
# TAP (test/t/*.pl). Prints regression diffs on failure and ends with one line
# "N passed, N failed"; exits non-zero when anything failed.
#
# The build is an UndefinedBehaviorSanitizer build: PGXS compiles with
# -fwrapv, under which signed overflow silently wraps; -fno-wrapv makes it
# undefined again so that UBSan reports it, and -fno-sanitize-recover=all
# turns every report into an abort of the backend, which the suite sees as
# a failed test. (The demo and the benchmarks build as users install.)
#
#   bash tools/test.sh                       # the whole suite (what CI runs)
#   bash tools/test.sh sql/rfm.sql test/rfm_hostile.sql test/t/005_upgrade.pl
#                                            # only the named files; add the
#                                            # word valgrind for that stage too
set -euo pipefail
export RETENTION_CFLAGS="-fsanitize=undefined -fno-sanitize-recover=all -fno-wrapv -fno-omit-frame-pointer ${RETENTION_CFLAGS:-}"
export RETENTION_LDFLAGS="-fsanitize=undefined ${RETENTION_LDFLAGS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Named files: each goes to its runner; with none, every file runs.
ONLY_REGRESS=() ONLY_PGTAP=() ONLY_PERL=() ONLY_VALGRIND=no
for arg in "$@"; do
    case $arg in
        sql/*.sql) ONLY_REGRESS+=("$(basename "$arg" .sql)") ;;
        test/t/*.pl) ONLY_PERL+=("$arg") ;;
        test/*.sql) ONLY_PGTAP+=("$arg") ;;
        valgrind) ONLY_VALGRIND=yes ;;
        *) say "tools/test.sh: $arg is not sql/*.sql, test/*.sql, test/t/*.pl or valgrind"
           echo "0 passed, 1 failed"; exit 2 ;;
    esac
done
SUBSET=$([ $# -gt 0 ] && echo yes || echo no)
# runs STAGE: whether a stage runs in this invocation
runs() {
    [ "$SUBSET" = no ] && return 0
    case $1 in
        regress) [ ${#ONLY_REGRESS[@]} -gt 0 ] ;;
        pgtap) [ ${#ONLY_PGTAP[@]} -gt 0 ] ;;
        perl) [ ${#ONLY_PERL[@]} -gt 0 ] ;;
        valgrind) [ "$ONLY_VALGRIND" = yes ] ;;
    esac
}

passed=0 failed=0 skipped=0 SUMMARY=no STAGE="starting"
# finish: at every exit, stop the cluster, remove the run folder, and when
# the run ended before its summary (a set-up step failed), say where and end
# with the summary line all the same, counting the failure.
finish() {
    local rc=$?
    cleanup_run
    if [ "$SUMMARY" = no ]; then
        say "tools/test.sh: stopped while $STAGE (exit status $rc)"
        echo "$passed passed, $((failed + 1)) failed"
        [ "$rc" -ne 0 ] || rc=1
    fi
    exit "$rc"
}
trap finish EXIT

STAGE="installing Debian packages"
install_packages
STAGE="building the extension"
build_extension
# a run that counts must really be instrumented
case $(ldd "$ROOT/retention.so") in
    *libubsan*) ;;
    *) say "retention.so is not linked with UBSan"; exit 1 ;;
esac
STAGE="installing into the private server tree"
make_private_tree
# the test-only helper extension (state fuzz), into the private tree only
make -C "$ROOT/test/modules/retention_test" -s PG_CONFIG="$SYS_PG_CONFIG" clean >/dev/null
make -C "$ROOT/test/modules/retention_test" -s PG_CONFIG="$SYS_PG_CONFIG" PG_CFLAGS="$DEV_CFLAGS" \
    PG_LDFLAGS="$DEV_LDFLAGS" DESTDIR="$TREE" install >/dev/null
STAGE="starting the test cluster"
start_cluster "$BINDIR"
STAGE="running the tests"

LOGS=$ROOT/tmp_check/logs
rm -rf "$LOGS"; mkdir -p "$LOGS"

# count_tap FILE: add the ok / not ok lines of TAP output to the totals.
count_tap() {
    local ok notok skip
    ok=$(grep -cE '^\s*ok [0-9]+' "$1" || true)
    skip=$(grep -cE '^\s*ok [0-9]+.*# (SKIP|skip)' "$1" || true)
    # a whole file skipped (plan skip_all) counts as one skipped test
    skipped=$((skipped + $(grep -cE '(^\s*1\.\.0 # (SKIP|skip)|\.\. skipped: )' "$1" || true)))
    notok=$(grep -E '^\s*not ok [0-9]+' "$1" | grep -cvE '# (TODO|todo)' || true)
    # tests a file planned but never ran (it died, or a statement timed
    # out) are failures too
    planned=$(grep -oE '^\s*1\.\.[0-9]+' "$1" | awk -F. '{ n += $3 } END { print n + 0 }')
    ran=$(grep -cE '^\s*(not )?ok [0-9]+' "$1" || true)
    [ "$planned" -gt "$ran" ] && notok=$((notok + planned - ran))
    passed=$((passed + ok - skip)); skipped=$((skipped + skip)); failed=$((failed + notok))
    last_failed=$notok
}

# 1. pg_regress: one test per file in sql/.
cd "$ROOT"
if runs regress; then
say "== pg_regress"
rm -rf results regression.diffs regression.out
regress_args=()
[ "$SUBSET" = yes ] && regress_args=(REGRESS="${ONLY_REGRESS[*]}")
if make -s installcheck PG_CONFIG="$SYS_PG_CONFIG" "${regress_args[@]}" >"$LOGS/regress.log" 2>&1; then rc=0; else rc=$?; fi
cat "$LOGS/regress.log"
ok=$(grep -cE '^(ok [0-9]+|test .* \.\.\. ok|\s+\S+\s+\.\.\. ok)' "$LOGS/regress.log" || true)
bad=$(grep -cE '^(not ok [0-9]+|test .* \.\.\. FAILED|\s+\S+\s+\.\.\. FAILED)' "$LOGS/regress.log" || true)
[ "$rc" -ne 0 ] && [ "$bad" -eq 0 ] && bad=1
passed=$((passed + ok)); failed=$((failed + bad))
[ -f regression.diffs ] && cat regression.diffs
fi

# 2. pgTAP: each file plans its own tests; pg_prove runs them in one database.
if runs pgtap; then
say "== pgTAP"
pgtap_files=(test/*.sql)
[ "$SUBSET" = yes ] && pgtap_files=("${ONLY_PGTAP[@]}")
psql -X -q -d postgres -c 'CREATE DATABASE retention_tap' >/dev/null
psql -X -q -d retention_tap -c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION retention' >/dev/null
if pg_prove -v -d retention_tap "${pgtap_files[@]}" >"$LOGS/pgtap.log" 2>&1; then rc=0; else rc=$?; fi
grep -vE '^\s*ok [0-9]+' "$LOGS/pgtap.log" || true
count_tap "$LOGS/pgtap.log"
[ "$rc" -ne 0 ] && [ "$last_failed" -eq 0 ] && failed=$((failed + 1))
fi

# 3. Perl TAP: PostgreSQL::Test::Cluster, which runs its own servers, as the
# postgres user, with the private tree's binaries first on PATH. The
# postgres user may not enter the checkout, so the tests run from a copy of
# it in the run folder (RETENTION_ROOT), with ../shared/data beside it.
if runs perl; then
say "== Perl TAP"
CHECKOUT=$RUN_DIR/src/retention
copy_checkout "$CHECKOUT"
perl_files=("$CHECKOUT"/test/t/*.pl)
[ "$SUBSET" = yes ] && perl_files=("${ONLY_PERL[@]/#/$CHECKOUT/}")
TAPDIR=$(mktemp -d "$RUN_DIR/tap.XXXXXX")
[ "$(id -u)" -eq 0 ] && chown postgres: "$TAPDIR"
PGXSDIR=$("$SYS_PG_CONFIG" --pgxs | xargs dirname)/../..
# (from inside the copy: programs the tests start as postgres complain
# when they cannot enter the current folder)
if (cd "$CHECKOUT" && as_pg env -u PGHOST -u PGPORT -u PGUSER PATH="$BINDIR:$PATH" TESTDIR="$TAPDIR" \
        PG_REGRESS="$PGXSDIR/src/test/regress/pg_regress" RETENTION_ROOT="$CHECKOUT" \
        prove -v -I "$PGXSDIR/src/test/perl" -I "$CHECKOUT/test/t" "${perl_files[@]}" \
        >"$LOGS/perltap.log" 2>&1); then rc=0; else rc=$?; fi
grep -vE '^\s*ok [0-9]+' "$LOGS/perltap.log" || true
count_tap "$LOGS/perltap.log"
[ "$rc" -ne 0 ] && [ "$last_failed" -eq 0 ] && failed=$((failed + 1))
[ "$rc" -ne 0 ] && find "$TAPDIR" -name '*.log' -path '*log*' -exec tail -n 30 {} + 2>/dev/null | tail -n 200
# the run folder goes at exit: keep the tests' logs with the others
cp -r "$TAPDIR/tmp_check/log" "$LOGS/perltap" 2>/dev/null || true
rm -rf "$TAPDIR"
fi

# 4. The part of the suite that takes minutes, not hours, under valgrind
# memcheck (tools/valgrind.sh: a cassert + USE_VALGRIND build of Debian's
# server source, built once into /var/cache/retention, 5 to 8 minutes): the
# quicker pg_regress files and the hostile-input pgTAP files, which call
# every function. Each regression file and each pgTAP test counts, and the
# memory check counts as one more: no error in a frame of the extension and
# no crash. The whole suite under valgrind takes hours of CPU
# (doc/reliability.md) and is run by hand.
VALGRIND_CI_TESTS=(catalog retention_rate segment rfm retention_counts clv_example cltv btyd_summary
                   gamma_gamma sbg clv_btyd
                   test/rfm_hostile.sql test/segment_hostile.sql test/retention_hostile.sql
                   test/cltv_hostile.sql test/btyd_hostile.sql test/cohort_hostile.sql
                   test/models_hostile.sql test/aggstate_corrupt.sql test/models_convergence.sql
                   test/rfm_score_window.sql test/exact_sums.sql test/models_accessors.sql test/models_sweep.sql
                   incremental test/incremental_hostile.sql test/revenue_hostile.sql
                   test/fit_weights.sql test/mbgnbd_hostile.sql
                   survival test/survival_hostile.sql test/survival_binary.sql test/revenue_binary.sql
                   btyd_holdout test/btyd_holdout_hostile.sql test/model_params_hostile.sql
                   test/tracking_hostile.sql rfm_population test/rfm_population_hostile.sql test/rfm_population_text_hostile.sql
                   test/simulate_processes_hostile.sql test/btyd_population_hostile.sql
                   clv_family test/cltv_family.sql test/pareto_nbd_pmf_hostile.sql test/tracking_mbgnbd_hostile.sql)
if runs valgrind; then
say "== valgrind (part of the suite)"
VALGRIND_LOGS=$LOGS/valgrind bash "$ROOT/tools/valgrind.sh" "${VALGRIND_CI_TESTS[@]}" \
    >"$LOGS/valgrind.log" 2>&1 || true
grep -E '^(test |valgrind)' "$LOGS/valgrind.log" || tail -n 40 "$LOGS/valgrind.log"
ok=$(grep -cE '^test .* \.\.\. ok' "$LOGS/valgrind.log" || true)
bad=$(grep -cE '^test .* \.\.\. FAILED' "$LOGS/valgrind.log" || true)
passed=$((passed + ok)); failed=$((failed + bad))
if [ -f "$LOGS/valgrind/pgtap.log" ]; then
    grep -vE '^\s*ok [0-9]+' "$LOGS/valgrind/pgtap.log" || true
    count_tap "$LOGS/valgrind/pgtap.log"
else
    failed=$((failed + 1))
fi
if grep -qE '^valgrind .*errors with extension frames: 0;.*crashes: 0$' "$LOGS/valgrind.log"; then
    passed=$((passed + 1))
else
    failed=$((failed + 1)); tail -n 200 "$LOGS/valgrind.log"
fi
fi

SUMMARY=yes
if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
