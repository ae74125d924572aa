#!/usr/bin/env bash
# tools/ubsan.sh: the whole test suite with the extension built under
# UndefinedBehaviorSanitizer. PGXS compiles with -fwrapv, under which signed
# overflow silently wraps; -fno-wrapv makes it undefined again so UBSan
# reports it, and -fno-sanitize-recover=all turns every report into an abort
# of the backend, which the suite then sees as a failed test.
set -euo pipefail
export RETENTION_CFLAGS="-fsanitize=undefined -fno-sanitize-recover=all -fno-wrapv -fno-omit-frame-pointer"
export RETENTION_LDFLAGS="-fsanitize=undefined"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
exec bash "$(dirname "${BASH_SOURCE[0]}")/test.sh" "$@"
