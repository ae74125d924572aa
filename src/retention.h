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

#endif							/* RETENTION_H */
