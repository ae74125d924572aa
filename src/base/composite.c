/*-------------------------------------------------------------------------
 *
 * composite.c
 *	  Reading and returning the extension's composite types (composite.h).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/typcache.h"

#include "base/composite.h"
#include "retention.h"

/*
 * The blessed tuple descriptor of the composite type fcinfo's function
 * returns, allocated in fn_mcxt so the caller can keep it in fn_extra for
 * the whole query.
 */
TupleDesc
composite_result_desc(FunctionCallInfo fcinfo)
{
	TupleDesc	tupdesc;
	MemoryContext oldcxt;

	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	oldcxt = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	tupdesc = BlessTupleDesc(CreateTupleDescCopy(tupdesc));
	MemoryContextSwitchTo(oldcxt);
	return tupdesc;
}

/*
 * A value of the composite type fcinfo's function returns, from its natts
 * fields. The blessed descriptor is looked up on the first call and kept in
 * fn_extra for the rest of the query, so the function must keep nothing
 * else there; functions that do (a window function's cache) keep the
 * composite_result_desc themselves.
 */
Datum
composite_result(FunctionCallInfo fcinfo, int natts, Datum *values, bool *nulls)
{
	TupleDesc	tupdesc = (TupleDesc) fcinfo->flinfo->fn_extra;

	if (tupdesc == NULL)
		fcinfo->flinfo->fn_extra = tupdesc = composite_result_desc(fcinfo);
	if (tupdesc->natts != natts)
		elog(ERROR, "composite type %s has %d attributes, expected %d",
			 format_type_be(tupdesc->tdtypeid), tupdesc->natts, natts);
	return HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls));
}

/*
 * The number of attributes of the composite type fcinfo's function
 * returns, through the descriptor composite_result keeps in fn_extra: a
 * function whose type gained attributes in a later version fills what the
 * database's version of the type has.
 */
int
composite_result_natts(FunctionCallInfo fcinfo)
{
	TupleDesc	tupdesc = (TupleDesc) fcinfo->flinfo->fn_extra;

	if (tupdesc == NULL)
		fcinfo->flinfo->fn_extra = tupdesc = composite_result_desc(fcinfo);
	return tupdesc->natts;
}

/*
 * Splits a value of one of our composite types into its natts fields,
 * which must have the given types; the values point into the composite.
 */
void
composite_fields(Datum composite, int natts, const Oid *types,
				 Datum *values, bool *nulls)
{
	HeapTupleHeader header = DatumGetHeapTupleHeader(composite);
	TupleDesc	tupdesc = lookup_rowtype_tupdesc(HeapTupleHeaderGetTypeId(header),
												 HeapTupleHeaderGetTypMod(header));
	HeapTupleData tuple;

	if (tupdesc->natts != natts)
		elog(ERROR, "composite type %s has %d attributes, expected %d",
			 format_type_be(tupdesc->tdtypeid), tupdesc->natts, natts);
	for (int i = 0; i < natts; i++)
		if (TupleDescAttr(tupdesc, i)->atttypid != types[i])
			elog(ERROR, "attribute %d of composite type %s has the wrong type",
				 i + 1, format_type_be(tupdesc->tdtypeid));

	tuple.t_len = HeapTupleHeaderGetDatumLength(header);
	ItemPointerSetInvalid(&tuple.t_self);
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = header;
	heap_deform_tuple(&tuple, tupdesc, values, nulls);
	ReleaseTupleDesc(tupdesc);
}
