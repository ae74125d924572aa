/*-------------------------------------------------------------------------
 *
 * composite.h
 *	  Reading and returning the extension's composite types (rfm,
 *	  rfm_score, rfm_breaks) from C.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_COMPOSITE_H
#define RETENTION_COMPOSITE_H

#include "access/tupdesc.h"
#include "fmgr.h"

extern TupleDesc composite_result_desc(FunctionCallInfo fcinfo);
extern void composite_fields(Datum composite, int natts, const Oid *types,
							 Datum *values, bool *nulls);

#endif							/* RETENTION_COMPOSITE_H */
