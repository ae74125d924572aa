/*-------------------------------------------------------------------------
 *
 * retention.c
 *	  Module magic of the retention extension: the one place the shared
 *	  library declares itself to the server.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"

#include "retention.h"

PG_MODULE_MAGIC;
