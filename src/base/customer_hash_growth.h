/*-------------------------------------------------------------------------
 *
 * customer_hash_growth.h
 *	  The growth rule of every simplehash table keyed by customer (the
 *	  cohort state's, base/customer_table.c's): included right before
 *	  lib/simplehash.h, which reads and undefines these names, so it has no
 *	  include guard.
 *
 * Grow when 90% full, as simplehash does, but not early on the first long
 * probe sequence (25 slots by default, which a table of 200,000 customers
 * three quarters full nearly always has): that doubles the table and the
 * bytes per customer. The keys are hashed under a secret key
 * (base/keyed_hash.h), well mixed, so longer runs are rare.
 *
 *-------------------------------------------------------------------------
 */
#define SH_GROW_MAX_DIB 128
#define SH_GROW_MAX_MOVE 1024
#define SH_GROW_MIN_FILLFACTOR 0.5
