/*-------------------------------------------------------------------------
 *
 * composite.h
 *	  Reading and returning the extension's composite types from C: the
 *	  one way a function builds its composite result.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_COMPOSITE_H
#define RETENTION_COMPOSITE_H

#include "access/tupdesc.h"
#include "fmgr.h"

extern TupleDesc composite_result_desc(FunctionCallInfo fcinfo);
extern Datum composite_result(FunctionCallInfo fcinfo, int natts,
							  Datum *values, bool *nulls);
extern int	composite_result_natts(FunctionCallInfo fcinfo);
extern void composite_fields(Datum composite, int natts, const Oid *types,
							 Datum *values, bool *nulls);

#endif							/* RETENTION_COMPOSITE_H */
