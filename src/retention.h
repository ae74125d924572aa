/*-------------------------------------------------------------------------
 *
 * retention.h
 *	  What every C file of the retention extension shares.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_H
#define RETENTION_H

#include "fmgr.h"

/* The oldest server the C code is written for (README: 13 to 17). */
#if PG_VERSION_NUM < 130000
#error "retention needs PostgreSQL 13 or later"
#endif

/*
 * PostgreSQL 16 moved the varlena macros (VARDATA, VARSIZE, SET_VARSIZE...)
 * out of postgres.h into varatt.h; files that include no header pulling it
 * in would not compile there.
 */
#if PG_VERSION_NUM >= 160000
#include "varatt.h"
#endif

/*
 * add_size and mul_size (overflow-checked sizes) are declared by
 * utils/palloc.h, which postgres.h includes, since PostgreSQL 15; before,
 * only by storage/shmem.h.
 */
#if PG_VERSION_NUM < 150000
#include "storage/shmem.h"
#endif

/*
 * An SQL-callable C function whose whole body returns call, an expression
 * of fcinfo: the one way to write the many entry points that only name
 * their variant of a shared implementation (an argument type, a model),
 * as hstore.h's HSTORE_POLLUTE writes its aliases. A comment above each
 * use names the SQL function it serves.
 */
#define SQL_FUNCTION(name, call) \
	PG_FUNCTION_INFO_V1(name); \
	Datum name(PG_FUNCTION_ARGS) { return (call); } \
	extern int no_such_variable

#endif							/* RETENTION_H */
