/*-------------------------------------------------------------------------
 *
 * time_unit.c
 *	  Reading a time_unit enum argument.
 *
 * Units are an enum type of the extension, not text: a text argument is
 * collatable, and postgres_fdw will not ship an aggregate whose input
 * collation does not come from a foreign column, so btyd_summary(...,
 * 'week') could never be pushed down to a shard. An enum has no collation,
 * literals such as 'week' still resolve to it, and a bad label is refused
 * by the enum's own input function (22P02).
 *
 * Transition functions read the unit on every row, so the last label read
 * is cached by its OID; any change to pg_enum drops the cache.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_enum.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/syscache.h"

#include "base/time_unit.h"
#include "retention.h"

static Oid	cached_oid = InvalidOid;
static NameData cached_label;
static bool callback_registered = false;

static void
time_unit_invalidate(Datum arg, int cacheid, uint32 hashvalue)
{
	cached_oid = InvalidOid;
}

/*
 * The label of a time_unit value, e.g. "week". The string stays valid
 * until the next call.
 */
const char *
time_unit_label(Datum value)
{
	Oid			label_oid = DatumGetObjectId(value);
	HeapTuple	tuple;

	if (OidIsValid(cached_oid) && label_oid == cached_oid)
		return NameStr(cached_label);

	tuple = SearchSysCache1(ENUMOID, ObjectIdGetDatum(label_oid));
	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for time_unit value %u", label_oid);
	namestrcpy(&cached_label, NameStr(((Form_pg_enum) GETSTRUCT(tuple))->enumlabel));
	ReleaseSysCache(tuple);

	if (!callback_registered)
	{
		CacheRegisterSyscacheCallback(ENUMOID, time_unit_invalidate, (Datum) 0);
		callback_registered = true;
	}
	cached_oid = label_oid;
	return NameStr(cached_label);
}
