/*-------------------------------------------------------------------------
 *
 * retention_test.c
 *	  Test-only helpers of the retention suite: a fuzz harness for the
 *	  serialize/deserialize functions of aggregates with internal state,
 *	  and a way into a size limit that no test can reach.
 *
 * fuzz_deserialize(agg, rows_query, iterations, seed) runs the aggregate's
 * transition function over the rows of a query with a stand-in AggState as
 * the call context (AggCheckCallContext reads only curaggcontext's
 * per-tuple memory), serializes the state, checks the round trip, and then
 * feeds mutated copies of the bytes to the deserialize function, each in a
 * subtransaction as a PL/pgSQL exception block would. A mutated state that
 * deserialize accepts is serialized again, combined (into nothing and into
 * a copy of the original) and finalized; only states nothing else uses
 * are finalized, so final functions that modify the state
 * (FINALFUNC_MODIFY = READ_WRITE) are fine. Errors are counted by SQLSTATE;
 * a crash ends the backend, which the calling test sees. state_bytes and
 * deserialize_final serve tests that corrupt one chosen field;
 * population_size_check and btyd_population_size_check call the
 * populations' size limits with byte counts no test could allocate;
 * pareto_nbd_loglik_gradient evaluates the Pareto/NBD fit's likelihood
 * and its gradient at any parameters.
 *
 * Never installed with the extension: tools/test.sh builds this module into
 * the private server tree only.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_aggregate.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/execnodes.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/regproc.h"
#include "utils/resowner.h"
#include "utils/syscache.h"

PG_MODULE_MAGIC;

/* Bit flips and length-field writes cover this many leading bytes. */
#define FUZZ_SCAN_BYTES		1024

/* Distinct SQLSTATEs remembered per kind of error. */
#define FUZZ_MAX_STATES		32

typedef struct SqlstateSet
{
	int			n;
	int			codes[FUZZ_MAX_STATES];
} SqlstateSet;

/* Distinct messages of internal errors (XX000), in workcxt. */
typedef struct MessageSet
{
	int			n;
	char	   *messages[FUZZ_MAX_STATES];
} MessageSet;

/* Everything one fuzz run shares. */
typedef struct FuzzRun
{
	FmgrInfo	transfn;
	FmgrInfo	serialfn;
	FmgrInfo	deserialfn;
	FmgrInfo	combinefn;
	FmgrInfo	finalfn;
	bool		has_final;
	bool		final_strict;
	int			final_nargs;
	Oid			final_type;
	AggState   *aggstate;		/* the stand-in call context */
	MemoryContext workcxt;		/* lives for the whole run */
	MemoryContext casecxt;		/* reset before every case */
	bytea	   *original;		/* the serialized state, in workcxt */
	int64		cases;
	int64		accepted;
	int64		rejected;
	int64		later_errors;
	SqlstateSet reject_states;
	SqlstateSet later_states;
	MessageSet	internal_errors;
	uint64		lcg;			/* the mutations */
	uint64		final_lcg;		/* which accepted states are finalized */
	double		final_share;
	int64		finalized;
} FuzzRun;

/* A 64-bit LCG (Knuth's MMIX constants); the high bits are the output. */
static inline uint32
lcg_step(uint64 *x)
{
	*x = *x * UINT64CONST(6364136223846793005) + UINT64CONST(1442695040888963407);
	return (uint32) (*x >> 32);
}

static inline uint32
lcg_next(FuzzRun *run)
{
	return lcg_step(&run->lcg);
}

/* A uniform integer in [0, n), n > 0. */
static inline uint32
lcg_below(FuzzRun *run, uint32 n)
{
	return (uint32) (((uint64) lcg_next(run) * n) >> 32);
}

/* Makes the aggregate context of the stand-in AggState `cxt`. */
static void
set_aggcontext(FuzzRun *run, MemoryContext cxt)
{
	run->aggstate->curaggcontext->ecxt_per_tuple_memory = cxt;
}

/*
 * Calls a support function as nodeAgg does: the AggState as context, the
 * collation given, and a STRICT function not called when an argument is
 * NULL (its result is then NULL).
 */
static Datum
call_support(FuzzRun *run, FmgrInfo *flinfo, Oid collation, int nargs,
			 const Datum *args, const bool *nulls, bool *isnull)
{
	LOCAL_FCINFO(fcinfo, FUNC_MAX_ARGS);
	Datum		result;

	if (flinfo->fn_strict)
		for (int i = 0; i < nargs; i++)
			if (nulls[i])
			{
				*isnull = true;
				return (Datum) 0;
			}
	InitFunctionCallInfoData(*fcinfo, flinfo, nargs, collation, (Node *) run->aggstate, NULL);
	for (int i = 0; i < nargs; i++)
	{
		fcinfo->args[i].value = args[i];
		fcinfo->args[i].isnull = nulls[i];
	}
	result = FunctionCallInvoke(fcinfo);
	*isnull = fcinfo->isnull;
	return result;
}

/* serialize(state): the bytes, never NULL for a non-NULL state. */
static bytea *
call_serialize(FuzzRun *run, Datum state)
{
	bool		null = false;
	bool		isnull;
	Datum		result = call_support(run, &run->serialfn, InvalidOid, 1, &state, &null, &isnull);

	if (isnull)
		elog(ERROR, "serialize function returned NULL");
	return DatumGetByteaPP(result);
}

/*
 * deserialize(bytes, dummy): a state, never NULL. nodeAgg passes a zero,
 * not a NULL, as the dummy second argument (so a STRICT function runs).
 */
static Datum
call_deserialize(FuzzRun *run, bytea *bytes)
{
	Datum		args[2] = {PointerGetDatum(bytes), (Datum) 0};
	bool		nulls[2] = {false, false};
	bool		isnull;
	Datum		result = call_support(run, &run->deserialfn, InvalidOid, 2, args, nulls, &isnull);

	if (isnull)
		elog(ERROR, "deserialize function returned NULL");
	return result;
}

/* combine(left, right); left may be NULL. */
static Datum
call_combine(FuzzRun *run, Datum left, bool left_null, Datum right, bool *isnull)
{
	Datum		args[2] = {left, right};
	bool		nulls[2] = {left_null, false};

	return call_support(run, &run->combinefn, DEFAULT_COLLATION_OID, 2, args, nulls, isnull);
}

/*
 * final(state) as text (the output function of the final type), NULL for
 * a NULL result; without a final function, the serialized state in hex.
 */
static char *
call_final_text(FuzzRun *run, Datum state, bool state_null)
{
	Datum		args[FUNC_MAX_ARGS];
	bool		nulls[FUNC_MAX_ARGS];
	bool		isnull;
	Datum		result;
	Oid			typoutput;
	bool		typisvarlena;

	if (!run->has_final)
	{
		if (state_null)
			return NULL;
		return TextDatumGetCString(DirectFunctionCall2(binary_encode,
													   PointerGetDatum(call_serialize(run, state)),
													   CStringGetTextDatum("hex")));
	}
	args[0] = state;
	nulls[0] = state_null;
	for (int i = 1; i < run->final_nargs; i++)
	{
		args[i] = (Datum) 0;
		nulls[i] = true;
	}
	result = call_support(run, &run->finalfn, DEFAULT_COLLATION_OID, run->final_nargs,
						  args, nulls, &isnull);
	if (isnull)
		return NULL;
	getTypeOutputInfo(run->final_type, &typoutput, &typisvarlena);
	return OidOutputFunctionCall(typoutput, result);
}

static bool
bytes_equal(const bytea *a, const bytea *b)
{
	return VARSIZE_ANY_EXHDR(a) == VARSIZE_ANY_EXHDR(b) &&
		memcmp(VARDATA_ANY(a), VARDATA_ANY(b), VARSIZE_ANY_EXHDR(a)) == 0;
}

static bool
texts_equal(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Adds a SQLSTATE to a set; true if it was not there yet. */
static bool
remember_sqlstate(SqlstateSet *set, int code)
{
	for (int i = 0; i < set->n; i++)
		if (set->codes[i] == code)
			return false;
	if (set->n < FUZZ_MAX_STATES)
		set->codes[set->n++] = code;
	return true;
}

/* Adds the message of an internal error to the run's set, in workcxt. */
static void
remember_message(FuzzRun *run, const char *message)
{
	MessageSet *set = &run->internal_errors;

	for (int i = 0; i < set->n; i++)
		if (strcmp(set->messages[i], message) == 0)
			return;
	if (set->n < FUZZ_MAX_STATES)
		set->messages[set->n++] = MemoryContextStrdup(run->workcxt, message);
}

/*
 * The error handler of a case, inside PG_CATCH: roll the subtransaction
 * back and count the error, or rethrow it when it is a cancel or shutdown
 * request (which a test must still be able to send).
 */
static void
catch_case_error(FuzzRun *run, MemoryContext oldcontext, ResourceOwner oldowner,
				 SqlstateSet *set)
{
	ErrorData  *edata;

	MemoryContextSwitchTo(run->workcxt);
	edata = CopyErrorData();
	FlushErrorState();
	RollbackAndReleaseCurrentSubTransaction();
	MemoryContextSwitchTo(oldcontext);
	CurrentResourceOwner = oldowner;
	if (ERRCODE_TO_CATEGORY(edata->sqlerrcode) == ERRCODE_OPERATOR_INTERVENTION)
		ReThrowError(edata);
	if (edata->sqlerrcode == ERRCODE_INTERNAL_ERROR)
		remember_message(run, edata->message);
	if (remember_sqlstate(set, edata->sqlerrcode))
		ereport(DEBUG1,
				(errmsg_internal("first %s: %s", unpack_sql_state(edata->sqlerrcode),
								 edata->message),
				 edata->detail ? errdetail_internal("%s", edata->detail) : 0));
	FreeErrorData(edata);
}

/*
 * What an accepted mutated state must survive: serialize again, combine
 * into nothing and finalize, combine into a copy of the original state and
 * finalize. Errors are fine (a mutated state may belong to another group);
 * crashes are not. The final functions run for a share of the accepted
 * states only (drawn from a separate LCG), as a model fit costs far more
 * than the rest.
 */
static void
use_accepted(FuzzRun *run, Datum state)
{
	bool		isnull;
	Datum		merged;
	Datum		merged_original;
	bool		finalize = lcg_step(&run->final_lcg) < run->final_share * 4294967296.0;

	(void) call_serialize(run, state);
	merged = call_combine(run, (Datum) 0, true, state, &isnull);
	if (finalize)
		(void) call_final_text(run, merged, isnull);
	merged_original = call_combine(run, call_deserialize(run, run->original), false, state, &isnull);
	if (finalize)
	{
		(void) call_final_text(run, merged_original, isnull);
		run->finalized++;
	}
}

/*
 * One case: deserialize `len` bytes at `data` in a subtransaction; if they
 * are accepted, use the state in another one.
 */
static void
fuzz_case(FuzzRun *run, const char *data, Size len)
{
	MemoryContext oldcontext = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	bytea	   *bytes;
	volatile bool accepted = false;
	volatile Datum state = (Datum) 0;

	CHECK_FOR_INTERRUPTS();
	MemoryContextReset(run->casecxt);
	set_aggcontext(run, run->casecxt);
	bytes = MemoryContextAlloc(run->casecxt, VARHDRSZ + len);
	SET_VARSIZE(bytes, VARHDRSZ + len);
	memcpy(VARDATA(bytes), data, len);
	run->cases++;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(run->casecxt);
	PG_TRY();
	{
		state = call_deserialize(run, bytes);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcontext);
		CurrentResourceOwner = oldowner;
		accepted = true;
	}
	PG_CATCH();
	{
		catch_case_error(run, oldcontext, oldowner, &run->reject_states);
	}
	PG_END_TRY();
	if (!accepted)
	{
		run->rejected++;
		return;
	}
	run->accepted++;

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(run->casecxt);
	PG_TRY();
	{
		use_accepted(run, state);
		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcontext);
		CurrentResourceOwner = oldowner;
	}
	PG_CATCH();
	{
		catch_case_error(run, oldcontext, oldowner, &run->later_states);
		run->later_errors++;
	}
	PG_END_TRY();
}

/* Stores a 4- or 8-byte value at buf + off in little- or big-endian order. */
static void
put_uint(char *buf, Size off, uint64 value, int width, bool big_endian)
{
	for (int i = 0; i < width; i++)
	{
		int			shift = 8 * (big_endian ? width - 1 - i : i);

		buf[off + i] = (char) ((value >> shift) & 0xFF);
	}
}

/*
 * Every mutation of the original bytes: each truncation, a few extensions,
 * every other version byte, each single-bit flip and large length fields
 * at each offset of the first FUZZ_SCAN_BYTES bytes, then `iterations`
 * random edits from the LCG.
 */
static void
fuzz_all(FuzzRun *run, int iterations)
{
	const char *orig = VARDATA_ANY(run->original);
	Size		len = VARSIZE_ANY_EXHDR(run->original);
	Size		scan = Min(len, FUZZ_SCAN_BYTES);
	Size		bufsize = 2 * len + 64;
	char	   *buf = MemoryContextAlloc(run->workcxt, bufsize);
	static const uint64 len_values[] = {
		UINT64CONST(0xFFFFFFFF), UINT64CONST(0x7FFFFFFF), UINT64CONST(0x80000000),
		UINT64CONST(0x10000), UINT64CONST(0xFFFFFFFFFFFFFFFF), UINT64CONST(0x7FFFFFFFFFFFFFFF),
		UINT64CONST(0x100000000)
	};

	/* truncations */
	for (Size n = 0; n < len; n++)
		fuzz_case(run, orig, n);
	/* trailing bytes */
	for (int extra = 1; extra <= 16; extra *= 2)
	{
		memcpy(buf, orig, len);
		memset(buf + len, extra == 1 ? 0 : 0xFF, extra);
		fuzz_case(run, buf, len + extra);
	}
	/* the version byte */
	for (int v = 0; v < 256 && len > 0; v++)
	{
		if ((unsigned char) orig[0] == v)
			continue;
		memcpy(buf, orig, len);
		buf[0] = (char) v;
		fuzz_case(run, buf, len);
	}
	/* single-bit flips */
	for (Size bit = 0; bit < 8 * scan; bit++)
	{
		memcpy(buf, orig, len);
		buf[bit / 8] ^= (char) (1 << (bit % 8));
		fuzz_case(run, buf, len);
	}
	/* too-large (and negative) length fields, in both byte orders */
	for (Size off = 0; off < scan; off++)
		for (int v = 0; v < (int) lengthof(len_values); v++)
		{
			int			width = v < 4 ? 4 : 8;

			if (off + width > len)
				continue;
			for (int be = 0; be <= 1; be++)
			{
				memcpy(buf, orig, len);
				put_uint(buf, off, len_values[v], width, be);
				fuzz_case(run, buf, len);
			}
		}
	/* random edits */
	for (int i = 0; i < iterations; i++)
	{
		Size		n = len;

		memcpy(buf, orig, len);
		switch (lcg_below(run, 5))
		{
			case 0:				/* a few random bytes */
				if (len > 0)
					for (uint32 k = 1 + lcg_below(run, 4); k > 0; k--)
						buf[lcg_below(run, len)] = (char) lcg_below(run, 256);
				break;
			case 1:				/* a random 32-bit word at a random offset */
				if (len >= 4)
					put_uint(buf, lcg_below(run, len - 3), lcg_next(run), 4, false);
				break;
			case 2:				/* all random bytes, of a random length */
				n = lcg_below(run, bufsize);
				for (Size k = 0; k < n; k++)
					buf[k] = (char) lcg_below(run, 256);
				if (n > 0 && lcg_below(run, 2))
					buf[0] = orig[0];	/* past the version check */
				break;
			case 3:				/* a slice copied over another place */
				if (len > 1)
				{
					Size		from = lcg_below(run, len);
					Size		to = lcg_below(run, len);
					Size		count = 1 + lcg_below(run, len - Max(from, to));

					memmove(buf + to, orig + from, count);
				}
				break;
			case 4:				/* a slice inserted again (duplicated) */
				if (len > 1)
				{
					Size		from = lcg_below(run, len);
					Size		count = 1 + lcg_below(run, len - from);

					memcpy(buf + from + count, orig + from, len - from);
					n = len + count;
				}
				break;
		}
		fuzz_case(run, buf, n);
	}
}

/* The SQLSTATEs of a set as a sorted text[]. */
static Datum
sqlstates_array(SqlstateSet *set)
{
	Datum		elems[FUZZ_MAX_STATES];
	char	   *codes[FUZZ_MAX_STATES];

	for (int i = 0; i < set->n; i++)
		codes[i] = pstrdup(unpack_sql_state(set->codes[i]));
	for (int i = 1; i < set->n; i++)	/* a handful: insertion sort */
		for (int j = i; j > 0 && strcmp(codes[j - 1], codes[j]) > 0; j--)
		{
			char	   *t = codes[j];

			codes[j] = codes[j - 1];
			codes[j - 1] = t;
		}
	for (int i = 0; i < set->n; i++)
		elems[i] = CStringGetTextDatum(codes[i]);
	return PointerGetDatum(construct_array(elems, set->n, TEXTOID, -1, false, TYPALIGN_INT));
}

/*
 * The state of the aggregate over the rows of `query`, in `aggcontext`:
 * each row's columns must have the aggregate's argument types, in order.
 * Elog when the query gives no state (no rows, or every row skipped).
 */
static Datum
build_state(FuzzRun *run, Oid aggfnoid, const char *query, MemoryContext aggcontext)
{
	Oid		   *argtypes;
	int			nargs;
	Datum	   *args;
	bool	   *nulls;
	bool		isnull = true;
	Datum		state = (Datum) 0;
	MemoryContext rowcxt;
	MemoryContext oldcontext;
	int			ret;

	get_func_signature(aggfnoid, &argtypes, &nargs);
	args = palloc(sizeof(Datum) * (nargs + 1));
	nulls = palloc(sizeof(bool) * (nargs + 1));
	rowcxt = AllocSetContextCreate(CurrentMemoryContext, "fuzz rows", ALLOCSET_DEFAULT_SIZES);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ret = SPI_execute(query, true, 0);
	if (ret != SPI_OK_SELECT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("rows_query must be a SELECT"),
				 errdetail("SPI_execute returned %d.", ret)));
	if (SPI_tuptable->tupdesc->natts != nargs)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("rows_query must return the %d arguments of the aggregate", nargs)));
	for (int i = 0; i < nargs; i++)
		if (SPI_gettypeid(SPI_tuptable->tupdesc, i + 1) != argtypes[i])
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("column %d of rows_query has type %s, the aggregate takes %s",
							i + 1, format_type_be(SPI_gettypeid(SPI_tuptable->tupdesc, i + 1)),
							format_type_be(argtypes[i]))));

	set_aggcontext(run, aggcontext);
	for (uint64 row = 0; row < SPI_processed; row++)
	{
		CHECK_FOR_INTERRUPTS();
		args[0] = state;
		nulls[0] = isnull;
		for (int i = 0; i < nargs; i++)
			args[i + 1] = SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc,
										i + 1, &nulls[i + 1]);
		oldcontext = MemoryContextSwitchTo(rowcxt);
		if (run->transfn.fn_strict)
			elog(ERROR, "a STRICT transition function with internal state is not supported");
		state = call_support(run, &run->transfn, DEFAULT_COLLATION_OID, nargs + 1,
							 args, nulls, &isnull);
		MemoryContextSwitchTo(oldcontext);
		MemoryContextReset(rowcxt);
	}
	SPI_finish();
	MemoryContextDelete(rowcxt);
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("rows_query gave the aggregate no state"),
				 errdetail("The query returned no row the transition function kept.")));
	return state;
}

/*
 * A run for aggregate aggfnoid: its support functions looked up, the
 * stand-in AggState and the memory contexts made. Elog unless it is a
 * plain aggregate with internal state and combine, serialize and
 * deserialize functions.
 */
static FuzzRun *
run_create(Oid aggfnoid, int32 seed)
{
	FuzzRun    *run = palloc0(sizeof(FuzzRun));
	HeapTuple	tuple;
	Form_pg_aggregate agg;

	run->workcxt = AllocSetContextCreate(CurrentMemoryContext, "fuzz work", ALLOCSET_DEFAULT_SIZES);
	run->casecxt = AllocSetContextCreate(run->workcxt, "fuzz case", ALLOCSET_DEFAULT_SIZES);
	run->lcg = (uint64) (uint32) seed * UINT64CONST(0x9E3779B97F4A7C15) + 1;
	run->final_lcg = run->lcg ^ UINT64CONST(0xD1B54A32D192ED03);
	run->final_share = 1.0;

	tuple = SearchSysCache1(AGGFNOID, ObjectIdGetDatum(aggfnoid));
	if (!HeapTupleIsValid(tuple))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s is not an aggregate", format_procedure(aggfnoid))));
	agg = (Form_pg_aggregate) GETSTRUCT(tuple);
	if (agg->aggkind != AGGKIND_NORMAL || agg->aggtranstype != INTERNALOID ||
		!OidIsValid(agg->aggserialfn) || !OidIsValid(agg->aggdeserialfn) ||
		!OidIsValid(agg->aggcombinefn))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s is not a plain aggregate with internal state, combine, serialize and deserialize functions",
						format_procedure(aggfnoid))));
	fmgr_info_cxt(agg->aggtransfn, &run->transfn, run->workcxt);
	fmgr_info_cxt(agg->aggserialfn, &run->serialfn, run->workcxt);
	fmgr_info_cxt(agg->aggdeserialfn, &run->deserialfn, run->workcxt);
	fmgr_info_cxt(agg->aggcombinefn, &run->combinefn, run->workcxt);
	run->has_final = OidIsValid(agg->aggfinalfn);
	if (run->has_final)
	{
		fmgr_info_cxt(agg->aggfinalfn, &run->finalfn, run->workcxt);
		run->final_nargs = get_func_nargs(agg->aggfinalfn);
		run->final_type = get_func_rettype(agg->aggfinalfn);
	}
	ReleaseSysCache(tuple);

	run->aggstate = makeNode(AggState);
	run->aggstate->curaggcontext = makeNode(ExprContext);
	set_aggcontext(run, run->workcxt);
	return run;
}

/*
 * fuzz_deserialize(agg regprocedure, rows_query text, iterations integer,
 *					seed integer, final_share float8)
 *	returns (cases, accepted, rejected, round_trip, state_bytes,
 *			 reject_sqlstates, later_errors, later_sqlstates, internal_errors,
 *			 finalized, bytes_identical)
 *
 * round_trip: serialize(deserialize(bytes)) gives the same bytes, and the
 * final function gives the same text for the state, its deserialized copy
 * and that copy combined into nothing. reject_sqlstates: the SQLSTATEs of
 * the errors deserialize raised; later_sqlstates: those raised while using
 * accepted states; internal_errors: the messages of the XX000 errors among
 * both (elog, for what cannot happen in a real query); finalized: the
 * accepted states that were finalized, a share final_share (0 to 1) of
 * them. round_trip: the bytes of serialize(deserialize(bytes)) have the
 * same length and the final results are equal; bytes_identical: the bytes
 * are the same too, which a state serialized in the order of a hash table
 * that deserialize rebuilt need not give.
 */
PG_FUNCTION_INFO_V1(fuzz_deserialize);
Datum
fuzz_deserialize(PG_FUNCTION_ARGS)
{
	Oid			aggfnoid = PG_GETARG_OID(0);
	char	   *query = text_to_cstring(PG_GETARG_TEXT_PP(1));
	int32		iterations = PG_GETARG_INT32(2);
	double		final_share = PG_GETARG_FLOAT8(4);
	FuzzRun    *run;
	TupleDesc	tupdesc;
	Datum		values[11];
	bool		nulls[11] = {false};
	Datum		messages[FUZZ_MAX_STATES];
	Datum		state;
	Datum		copy;
	bool		isnull;
	bytea	   *again;
	char	   *final0;
	char	   *final1;
	char	   *final2;
	bool		round_trip;
	bool		bytes_identical;

	if (iterations < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("iterations must not be negative")));
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "fuzz_deserialize must return a composite type");
	if (!(final_share >= 0.0 && final_share <= 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("final_share must be between 0 and 1")));
	run = run_create(aggfnoid, PG_GETARG_INT32(3));
	run->final_share = final_share;

	/* the state, its bytes and the round trip */
	state = build_state(run, aggfnoid, query, run->workcxt);
	run->original = DatumGetByteaPCopy(PointerGetDatum(call_serialize(run, state)));
	final0 = call_final_text(run, state, false);
	copy = call_deserialize(run, run->original);
	again = call_serialize(run, copy);
	final1 = call_final_text(run, copy, false);
	copy = call_combine(run, (Datum) 0, true, call_deserialize(run, run->original), &isnull);
	final2 = call_final_text(run, copy, isnull);
	bytes_identical = bytes_equal(again, run->original);
	round_trip = VARSIZE_ANY(again) == VARSIZE_ANY(run->original) &&
		texts_equal(final0, final1) && texts_equal(final0, final2);
	if (!round_trip)
		ereport(WARNING,
				(errmsg("round trip of %s differs", format_procedure(aggfnoid)),
				 errdetail("Final results: %s / %s / %s.", final0 ? final0 : "NULL",
						   final1 ? final1 : "NULL", final2 ? final2 : "NULL")));

	fuzz_all(run, iterations);

	values[0] = Int64GetDatum(run->cases);
	values[1] = Int64GetDatum(run->accepted);
	values[2] = Int64GetDatum(run->rejected);
	values[3] = BoolGetDatum(round_trip);
	values[4] = Int32GetDatum((int32) VARSIZE_ANY_EXHDR(run->original));
	values[5] = sqlstates_array(&run->reject_states);
	values[6] = Int64GetDatum(run->later_errors);
	values[7] = sqlstates_array(&run->later_states);
	for (int i = 0; i < run->internal_errors.n; i++)
		messages[i] = CStringGetTextDatum(run->internal_errors.messages[i]);
	values[8] = PointerGetDatum(construct_array(messages, run->internal_errors.n, TEXTOID,
												-1, false, TYPALIGN_INT));
	values[9] = Int64GetDatum(run->finalized);
	values[10] = BoolGetDatum(bytes_identical);
	tupdesc = BlessTupleDesc(tupdesc);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/*
 * state_bytes(agg regprocedure, rows_query text) returns bytea
 *
 * The serialized state of the aggregate over the rows of the query, for
 * tests that corrupt one chosen field.
 */
PG_FUNCTION_INFO_V1(state_bytes);
Datum
state_bytes(PG_FUNCTION_ARGS)
{
	Oid			aggfnoid = PG_GETARG_OID(0);
	FuzzRun    *run = run_create(aggfnoid, 0);
	Datum		state = build_state(run, aggfnoid, text_to_cstring(PG_GETARG_TEXT_PP(1)),
									run->workcxt);

	PG_RETURN_BYTEA_P(DatumGetByteaPCopy(PointerGetDatum(call_serialize(run, state))));
}

/*
 * deserialize_final(agg regprocedure, state bytea) returns text
 *
 * The final result, as text, of the state deserialized from the bytes and
 * combined into an empty state, as a parallel leader does; NULL for a NULL
 * final result. Corrupt bytes raise deserialize's error.
 */
PG_FUNCTION_INFO_V1(deserialize_final);
Datum
deserialize_final(PG_FUNCTION_ARGS)
{
	FuzzRun    *run = run_create(PG_GETARG_OID(0), 0);
	bool		isnull;
	Datum		state = call_combine(run, (Datum) 0, true,
									 call_deserialize(run, PG_GETARG_BYTEA_PP(1)), &isnull);
	char	   *result = call_final_text(run, state, isnull);

	if (result == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(result));
}

/*
 * retention's rfm_population_check_size and rfm_population_text_check_size
 * (src/metrics/rfm_population.c) and
 * btyd_population_check_size (src/models/btyd_population.c)
 */
typedef void (*PopulationSizeCheck) (Size have, Size more, uint64 customers);

/*
 * Calls retention's check `symbol` of the 1 GB limit of a population
 * value with byte counts no test could allocate: true when a value of
 * `have` bytes may take `more` bytes more, the check's 54000 error
 * otherwise.
 */
static Datum
size_check(FunctionCallInfo fcinfo, const char *symbol)
{
	int64		have = PG_GETARG_INT64(0);
	int64		more = PG_GETARG_INT64(1);
	int64		customers = PG_GETARG_INT64(2);
	PopulationSizeCheck check;

	if (have < 0 || more < 0 || customers < 0)
		elog(ERROR, "population_size_check takes non-negative counts");
	check = (PopulationSizeCheck) (void (*) (void))
		load_external_function("$libdir/retention", symbol, true, NULL);
	check((Size) have, (Size) more, (uint64) customers);
	PG_RETURN_BOOL(true);
}

/*
 * population_size_check(have bigint, more bigint, customers bigint)
 * returns boolean: size_check of rfm_population.
 */
PG_FUNCTION_INFO_V1(population_size_check);
Datum
population_size_check(PG_FUNCTION_ARGS)
{
	return size_check(fcinfo, "rfm_population_check_size");
}

/*
 * text_population_size_check(have bigint, more bigint, customers bigint)
 * returns boolean: size_check of rfm_population_text.
 */
PG_FUNCTION_INFO_V1(text_population_size_check);
Datum
text_population_size_check(PG_FUNCTION_ARGS)
{
	return size_check(fcinfo, "rfm_population_text_check_size");
}

/*
 * btyd_population_size_check(have bigint, more bigint, customers bigint)
 * returns boolean: size_check of btyd_population.
 */
PG_FUNCTION_INFO_V1(btyd_population_size_check);
Datum
btyd_population_size_check(PG_FUNCTION_ARGS)
{
	return size_check(fcinfo, "btyd_population_check_size");
}

/* retention's pareto_nbd_loglik_arrays (src/models/pareto_nbd_loglik.c) */
typedef double (*PnbdLoglikArrays) (int64 n, const double *x, const double *tx,
									const double *t, const double *weight,
									const double *params, double *grad);

/* The float8 elements of a one-dimensional float8[] without NULLs. */
static double *
float8_elements(ArrayType *array, int *n)
{
	Datum	   *elems;
	bool	   *nulls;
	double	   *values;

	deconstruct_array(array, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL,
					  TYPALIGN_DOUBLE, &elems, &nulls, n);
	values = palloc(Max(*n, 1) * sizeof(double));
	for (int i = 0; i < *n; i++)
	{
		if (nulls[i])
			elog(ERROR, "pareto_nbd_loglik_gradient takes arrays without NULLs");
		values[i] = DatumGetFloat8(elems[i]);
	}
	return values;
}

/*
 * pareto_nbd_loglik_gradient(params float8[], x float8[], tx float8[],
 * t float8[], weight float8[], with_gradient boolean) returns float8[]:
 * the Pareto/NBD fit's log-likelihood of the rows (x, tx, t, weight) at
 * params (r, alpha, s, beta), followed by its gradient when with_gradient;
 * NULL when the likelihood cannot be evaluated there (NaN).
 */
PG_FUNCTION_INFO_V1(pareto_nbd_loglik_gradient);
Datum
pareto_nbd_loglik_gradient(PG_FUNCTION_ARGS)
{
	int			np,
				n,
				n1,
				n2,
				n3;
	double	   *params = float8_elements(PG_GETARG_ARRAYTYPE_P(0), &np);
	double	   *x = float8_elements(PG_GETARG_ARRAYTYPE_P(1), &n);
	double	   *tx = float8_elements(PG_GETARG_ARRAYTYPE_P(2), &n1);
	double	   *t = float8_elements(PG_GETARG_ARRAYTYPE_P(3), &n2);
	double	   *weight = float8_elements(PG_GETARG_ARRAYTYPE_P(4), &n3);
	bool		with_gradient = PG_GETARG_BOOL(5);
	double		grad[4];
	Datum		out[5];
	double		value;
	PnbdLoglikArrays loglik;

	if (np != 4 || n1 != n || n2 != n || n3 != n)
		elog(ERROR, "pareto_nbd_loglik_gradient takes 4 parameters and rows of equal length");
	loglik = (PnbdLoglikArrays) (void (*) (void))
		load_external_function("$libdir/retention", "pareto_nbd_loglik_arrays", true, NULL);
	value = loglik(n, x, tx, t, weight, params, with_gradient ? grad : NULL);
	if (isnan(value))
		PG_RETURN_NULL();
	out[0] = Float8GetDatum(value);
	for (int i = 0; with_gradient && i < 4; i++)
		out[i + 1] = Float8GetDatum(grad[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(out, with_gradient ? 5 : 1, FLOAT8OID,
										  sizeof(float8), FLOAT8PASSBYVAL,
										  TYPALIGN_DOUBLE));
}
