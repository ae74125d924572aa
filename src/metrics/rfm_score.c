/*-------------------------------------------------------------------------
 *
 * rfm_score.c
 *	  Tie-consistent R, F and M scores (DESIGN section 1): the rfm_score
 *	  window functions, which score each row against its window partition,
 *	  and the scalar rfm_score that scores with fixed breaks.
 *
 * For a higher-is-better value v among the n non-NULL values of its column
 * in the partition, score = 1 + floor(bins * #{values < v} / n); recency is
 * lower-is-better and counts the values > v instead. Equal values get equal
 * scores, which NTILE does not guarantee (it splits a run of ties between
 * buckets in whatever order the rows arrive).
 *
 * On its first call in a partition the window function reads the whole
 * partition once, sorts each column once (exactly: integer keys, numeric
 * amounts as scaled integers, or numeric comparisons when they do not fit)
 * and keeps, per row, how many values are below (above for recency) it.
 * Each call then answers from that array in O(1).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgrprotos.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "windowapi.h"

#include "base/checks.h"
#include "base/composite.h"
#include "base/scaled.h"
#include "metrics/rfm_breaks.h"
#include "metrics/rfm_score.h"
#include "retention.h"

#define RFM_DEFAULT_BINS	5

/* The three scored columns */
#define COL_R	0
#define COL_F	1
#define COL_M	2

/* The fields of the rfm composite that are scored, and their types */
static const Oid rfm_field_types[4] = {INT4OID, INT8OID, NUMERICOID, INT4OID};

/*
 * What a partition keeps: its bins, per column the number of non-NULL
 * values and, per row, how many of them are below its value (above, for
 * recency), or -1 when its value is NULL.
 */
typedef struct ScorePartition
{
	bool		ready;
	int32		bins;
	int64		rows;
	int64		counted[3];		/* non-NULL values per column */
	int32	   *below[3];		/* per row: values below (r: above) it, or -1 */
} ScorePartition;

/*
 * What fn_extra holds: the result's tuple descriptor and, for the scalar
 * form, the last breaks seen (as bytes, the cache key) and their parse.
 */
typedef struct ScoreCache
{
	TupleDesc	tupdesc;
	HeapTupleHeader breaks_source;
	RfmBreaks	breaks;
} ScoreCache;

/* A numeric value of a column being ranked, and its row in the partition */
typedef struct NumericItem
{
	Datum		value;
	int32		row;
} NumericItem;

static int
numeric_item_cmp(const void *a, const void *b)
{
	const NumericItem *x = (const NumericItem *) a;
	const NumericItem *y = (const NumericItem *) b;

	return DatumGetInt32(DirectFunctionCall2(numeric_cmp, x->value, y->value));
}

/*
 * The arguments of partition row `row`, each evaluated once (PostgreSQL
 * evaluates a window function's argument again on every fetch, so a
 * volatile one such as random() or nextval() gives another value each
 * time): values/nulls get R, F, M from the rfm composite (one argument) or
 * from three arguments, and *bins the bins argument when there is one
 * (bins_arg >= 0). A fetch may re-read the row into the window's slot and
 * free the tuple an earlier fetch returned a pointer into, so the by-reference
 * value (monetary, or the rfm composite it lies in) is fetched last: the
 * values live until the next fetch.
 */
static void
read_row(WindowObject winobj, bool composite, int bins_arg, int64 row,
		 Datum *values, bool *nulls, int32 *bins, bool *bins_null)
{
	bool		isnull;
	bool		isout;

	if (bins_arg >= 0)
		*bins = DatumGetInt32(WinGetFuncArgInPartition(winobj, bins_arg, row, WINDOW_SEEK_HEAD,
													   false, bins_null, &isout));
	if (composite)
	{
		Datum		rfm = WinGetFuncArgInPartition(winobj, 0, row, WINDOW_SEEK_HEAD,
												   false, &isnull, &isout);
		Datum		fields[4];
		bool		fieldnulls[4];

		if (isnull)
			nulls[COL_R] = nulls[COL_F] = nulls[COL_M] = true;
		else
		{
			composite_fields(rfm, 4, rfm_field_types, fields, fieldnulls);
			for (int c = 0; c < 3; c++)
			{
				values[c] = fields[c];
				nulls[c] = fieldnulls[c];
			}
		}
	}
	else
		for (int c = 0; c < 3; c++)
			values[c] = WinGetFuncArgInPartition(winobj, c, row, WINDOW_SEEK_HEAD,
												 false, &nulls[c], &isout);
}

/*
 * The bins of one row, checked as the rfm_breaks aggregate checks them:
 * not NULL (22004), 2..9 and the same in every row of the partition
 * (22023). row is 0-based; the first row's bins become the partition's.
 */
static void
check_row_bins(ScorePartition *part, int64 row, int32 bins, bool isnull)
{
	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("bins must not be NULL")));
	rfm_check_bins(bins);
	if (row == 0)
		part->bins = bins;
	else if (bins != part->bins)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("bins must be the same in every row of a partition"),
				 errdetail("bins is %d in one row and %d in another.", part->bins, bins)));
}

/*
 * Fills below[] from m items sorted by key: for a run of equal keys that
 * starts at sorted index j and ends before `end`, j values are below it
 * and m - end above it (above is what recency counts).
 */
static void
count_from_sorted(const SortItem *items, int64 m, bool above, int32 *below)
{
	int64		j = 0;

	while (j < m)
	{
		int64		end = j + 1;

		while (end < m && items[end].key == items[j].key)
			end++;
		for (int64 i = j; i < end; i++)
			below[items[i].row] = (int32) (above ? m - end : j);
		j = end;
	}
}

/*
 * The monetary keys while they fit scaled integers (key, scale per row),
 * and, once one does not, every non-NULL value as a numeric of its own:
 * the rows already read are rebuilt from their scaled integers, the later
 * ones copied as they are read, so no row is read twice.
 */
typedef struct MonetaryKeys
{
	bool		fits;			/* every value so far is keys[row] / 10^scale[row] */
	int			maxscale;
	int64	   *keys;
	int8	   *scale;
	NumericItem *items;			/* once !fits: the values, for numeric ranks */
	int64		nitems;
} MonetaryKeys;

/* Turns the values of rows 0 .. upto - 1 into numerics; from now on !fits. */
static void
monetary_to_numeric(MonetaryKeys *mk, const int32 *below, int64 rows, int64 upto)
{
	mk->items = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(NumericItem) * Max(rows, 1));
	mk->nitems = 0;
	for (int64 row = 0; row < upto; row++)
		if (below[row] == 0)
		{
			mk->items[mk->nitems].value = NumericGetDatum(scaled_to_numeric(mk->keys[row], mk->scale[row]));
			mk->items[mk->nitems].row = (int32) row;
			mk->nitems++;
		}
	mk->fits = false;
}

/*
 * Adds the non-NULL monetary value of row `row` (below[] marks the rows
 * read so far, -1 for NULL); a value copied as a numeric is allocated in
 * keepcxt, since the value itself lives only until the next fetch.
 */
static void
monetary_add(MonetaryKeys *mk, const int32 *below, int64 rows, int64 row, Datum value,
			 MemoryContext keepcxt)
{
	MemoryContext oldcxt;

	if (mk->fits)
	{
		int64		key;
		int			scale;

		if (scaled_from_numeric(value, &key, &scale))
		{
			mk->keys[row] = key;
			mk->scale[row] = (int8) scale;
			mk->maxscale = Max(mk->maxscale, scale);
			return;
		}
		oldcxt = MemoryContextSwitchTo(keepcxt);
		monetary_to_numeric(mk, below, rows, row);
		MemoryContextSwitchTo(oldcxt);
	}
	check_finite_numeric(DatumGetNumeric(value), "monetary");
	oldcxt = MemoryContextSwitchTo(keepcxt);
	mk->items[mk->nitems].value = PointerGetDatum(PG_DETOAST_DATUM_COPY(value));
	MemoryContextSwitchTo(oldcxt);
	mk->items[mk->nitems].row = (int32) row;
	mk->nitems++;
}

/*
 * The final monetary keys, in keys[]: the scaled integers at one common
 * scale, or, when they do not share one, the dense rank of each value by
 * numeric comparison, which orders the rows as the values do.
 */
static void
monetary_finish(MonetaryKeys *mk, const int32 *below, int64 rows)
{
	for (int64 row = 0; mk->fits && row < rows; row++)
	{
		if (below[row] != 0)
			continue;
		if (scaled_rescale(&mk->keys[row], mk->scale[row], mk->maxscale))
			mk->scale[row] = (int8) mk->maxscale;
		else
			monetary_to_numeric(mk, below, rows, rows);
	}
	if (mk->fits)
		return;
	qsort(mk->items, mk->nitems, sizeof(NumericItem), numeric_item_cmp);
	for (int64 i = 0, rank = 0; i < mk->nitems; i++)
	{
		if (i > 0 && numeric_item_cmp(&mk->items[i - 1], &mk->items[i]) != 0)
			rank++;
		mk->keys[mk->items[i].row] = rank;
		CHECK_FOR_INTERRUPTS();
	}
}

/*
 * Turns each column's keys (in the values' order) into counts: for every
 * row with below[c][row] == 0 (not NULL), how many keys of the column are
 * below it (above it for recency), by one sort of (key, row) pairs per
 * column. Frees the keys.
 */
static void
rank_columns(int64 rows, int64 *keys[3], int32 *below[3], const int64 counted[3])
{
	SortItem *items = MemoryContextAllocHuge(CurrentMemoryContext,
												sizeof(SortItem) * Max(rows, 1));
	SortItem *tmp = MemoryContextAllocHuge(CurrentMemoryContext,
											  sizeof(SortItem) * Max(rows, 1));

	for (int c = 0; c < 3; c++)
	{
		int64		m = 0;

		for (int64 row = 0; row < rows; row++)
			if (below[c][row] == 0)
			{
				items[m].key = keys[c][row];
				items[m].row = (int32) row;
				m++;
			}
		if (m != counted[c])
			elog(ERROR, "rfm_score counted %lld values but found %lld",
				 (long long) counted[c], (long long) m);
		radix_sort_items(items, m, tmp);
		/* recency: lower is better, so it counts the values above */
		count_from_sorted(items, m, c == COL_R, below[c]);
		pfree(keys[c]);
		CHECK_FOR_INTERRUPTS();
	}
	pfree(items);
	pfree(tmp);
}

/*
 * Reads the partition, each row's arguments once, and computes every row's
 * counts, in memory that lives as long as the partition. Each column's
 * values become int64 keys in the values' order (numeric amounts as
 * scaled integers at one common scale, or as ranks by numeric comparison
 * when they do not fit); one sort of (key, row) pairs then gives every row
 * its count. The arguments are evaluated in a memory context of their own,
 * reset every few rows, so that a computed argument (an expression, a
 * detoasted composite) costs no memory per row.
 */
static void
score_partition(WindowObject winobj, bool composite, int bins_arg, ScorePartition *part)
{
	MemoryContext partcxt = GetMemoryChunkContext(part);
	MemoryContext workcxt = CurrentMemoryContext;
	MemoryContext rowcxt;
	int64		rows = WinGetPartitionRowCount(winobj);
	int64	   *keys[3];
	MonetaryKeys mk = {.fits = true};

	if (rows > PG_INT32_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("rfm_score window partition is too large"),
				 errdetail("The partition has " INT64_FORMAT " rows; at most %d are allowed.",
						   rows, PG_INT32_MAX)));
	part->rows = rows;
	part->bins = RFM_DEFAULT_BINS;
	for (int c = 0; c < 3; c++)
	{
		part->below[c] = MemoryContextAllocHuge(partcxt, sizeof(int32) * rows);
		keys[c] = MemoryContextAllocHuge(workcxt, sizeof(int64) * rows);
		part->counted[c] = 0;
	}
	mk.keys = keys[COL_M];
	mk.scale = MemoryContextAllocHuge(workcxt, rows);
	rowcxt = AllocSetContextCreate(workcxt, "rfm_score arguments", ALLOCSET_DEFAULT_SIZES);

	for (int64 row = 0; row < rows; row++)
	{
		Datum		values[3];
		bool		nulls[3];
		int32		bins;
		bool		bins_null;

		if ((row & 1023) == 0)
		{
			MemoryContextReset(rowcxt);
			CHECK_FOR_INTERRUPTS();
		}
		MemoryContextSwitchTo(rowcxt);
		read_row(winobj, composite, bins_arg, row, values, nulls, &bins, &bins_null);
		MemoryContextSwitchTo(workcxt);
		if (bins_arg >= 0)
			check_row_bins(part, row, bins, bins_null);
		for (int c = 0; c < 3; c++)
		{
			/* below = -1 marks a NULL until the counts replace it */
			part->below[c][row] = nulls[c] ? -1 : 0;
			if (nulls[c])
				continue;
			part->counted[c]++;
			if (c == COL_R)
				keys[c][row] = DatumGetInt32(values[c]);
			else if (c == COL_F)
				keys[c][row] = DatumGetInt64(values[c]);
			else
				monetary_add(&mk, part->below[COL_M], rows, row, values[c], workcxt);
		}
	}
	MemoryContextDelete(rowcxt);
	monetary_finish(&mk, part->below[COL_M], rows);
	Assert(mk.fits || mk.nitems == part->counted[COL_M]);
	rank_columns(rows, keys, part->below, part->counted);
	pfree(mk.scale);
	part->ready = true;
}

/*
 * rfm_score_window's scores of a population held in arrays (rfm_segments):
 * recency (NULL where recency_null), frequency and monetary (numerics, not
 * NULL) of n customers. Fills below[c][i] with the values below (above,
 * for recency) customer i's, or -1 for NULL, and counted[c] with the
 * non-NULL values; a score is then rfm_score_of(below, bins, counted).
 */
void
rfm_score_rank(int64 n, const int32 *recency, const bool *recency_null,
			   const int64 *frequency, const Datum *monetary, int32 *below[3],
			   int64 counted[3])
{
	int64	   *keys[3];
	MonetaryKeys mk = {.fits = true};

	if (n > PG_INT32_MAX)
		elog(ERROR, "rfm_score_rank of " INT64_FORMAT " values", n);
	for (int c = 0; c < 3; c++)
	{
		keys[c] = MemoryContextAllocHuge(CurrentMemoryContext, sizeof(int64) * Max(n, 1));
		counted[c] = 0;
	}
	mk.keys = keys[COL_M];
	mk.scale = MemoryContextAllocHuge(CurrentMemoryContext, Max(n, 1));
	for (int64 i = 0; i < n; i++)
	{
		if ((i & 4095) == 0)
			CHECK_FOR_INTERRUPTS();
		below[COL_R][i] = recency_null[i] ? -1 : 0;
		below[COL_F][i] = below[COL_M][i] = 0;
		if (!recency_null[i])
		{
			keys[COL_R][i] = recency[i];
			counted[COL_R]++;
		}
		keys[COL_F][i] = frequency[i];
		monetary_add(&mk, below[COL_M], n, i, monetary[i], CurrentMemoryContext);
	}
	counted[COL_F] = counted[COL_M] = n;
	monetary_finish(&mk, below[COL_M], n);
	rank_columns(n, keys, below, counted);
	pfree(mk.scale);
}

static ScoreCache *
score_cache(FunctionCallInfo fcinfo)
{
	ScoreCache *cache = (ScoreCache *) fcinfo->flinfo->fn_extra;

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(ScoreCache));
		cache->tupdesc = composite_result_desc(fcinfo);
		fcinfo->flinfo->fn_extra = cache;
	}
	return cache;
}

/*
 * The rfm_score composite (r, f, m, code) of three scores, 0 for NULL; the
 * code, such as '545', is NULL when a score is.
 */
static Datum
score_result(FunctionCallInfo fcinfo, const int32 *scores)
{
	ScoreCache *cache = score_cache(fcinfo);
	Datum		values[4];
	bool		nulls[4];
	char		code[4];

	nulls[3] = false;
	for (int c = 0; c < 3; c++)
	{
		values[c] = Int32GetDatum(scores[c]);
		nulls[c] = scores[c] == 0;
		nulls[3] |= nulls[c];
		code[c] = (char) ('0' + scores[c]);
	}
	code[3] = '\0';
	values[3] = nulls[3] ? (Datum) 0 : PointerGetDatum(cstring_to_text(code));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(cache->tupdesc, values, nulls)));
}

/*
 * rfm_score(recency_days, frequency, monetary [, bins]) and
 * rfm_score(rfm [, bins]) window functions returning rfm_score.
 *
 * The first call of a partition reads every row's arguments once; later
 * calls read none. A NULL value gives a NULL score for its column and does
 * not count in that column's n. bins must be 2..9, not NULL and the same in
 * every row of the partition.
 */
PG_FUNCTION_INFO_V1(rfm_score_window);
Datum
rfm_score_window(PG_FUNCTION_ARGS)
{
	WindowObject winobj = PG_WINDOW_OBJECT();
	bool		composite = PG_NARGS() <= 2;
	int			bins_arg = composite ? 1 : 3;
	ScorePartition *part;
	int64		row;
	int32		scores[3];

	part = (ScorePartition *) WinGetPartitionLocalMemory(winobj, sizeof(ScorePartition));
	if (!part->ready)
		score_partition(winobj, composite, PG_NARGS() > bins_arg ? bins_arg : -1, part);

	row = WinGetCurrentPosition(winobj);
	if (row < 0 || row >= part->rows)
		elog(ERROR, "rfm_score row " INT64_FORMAT " outside its partition of " INT64_FORMAT " rows",
			 row, part->rows);
	for (int c = 0; c < 3; c++)
		scores[c] = rfm_score_of(part->below[c][row], part->bins, part->counted[c]);
	return score_result(fcinfo, scores);
}

/*
 * rfm_score(recency_days, frequency, monetary, breaks rfm_breaks) and
 * rfm_score(rfm, breaks) return rfm_score: scores with fixed breaks (see
 * rfm_breaks.c), F and M as 1 + #{cuts <= value}, R as 1 + #{cuts >= value}.
 * A NULL value, or a NULL array of cuts, gives a NULL score; NULL breaks
 * give NULL. The breaks are validated once and kept while they repeat.
 */
PG_FUNCTION_INFO_V1(rfm_score_breaks);
Datum
rfm_score_breaks(PG_FUNCTION_ARGS)
{
	bool		composite = PG_NARGS() == 2;
	int			breaks_arg = composite ? 1 : 3;
	ScoreCache *cache;
	HeapTupleHeader source;
	Datum		values[4];
	bool		nulls[4];
	int32		scores[3];

	if (PG_ARGISNULL(breaks_arg))
		PG_RETURN_NULL();
	cache = score_cache(fcinfo);
	source = PG_GETARG_HEAPTUPLEHEADER(breaks_arg);
	if (cache->breaks_source == NULL ||
		HeapTupleHeaderGetDatumLength(cache->breaks_source) != HeapTupleHeaderGetDatumLength(source) ||
		memcmp(cache->breaks_source, source, HeapTupleHeaderGetDatumLength(source)) != 0)
	{
		/* parse first, so that a bad value leaves no half-made cache */
		RfmBreaks	breaks;

		rfm_breaks_parse(HeapTupleHeaderGetDatum(source), &breaks);
		if (cache->breaks_source != NULL)
			pfree(cache->breaks_source);
		cache->breaks_source = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt,
												  HeapTupleHeaderGetDatumLength(source));
		memcpy(cache->breaks_source, source, HeapTupleHeaderGetDatumLength(source));
		cache->breaks = breaks;
	}

	if (composite)
	{
		if (PG_ARGISNULL(0))
			nulls[COL_R] = nulls[COL_F] = nulls[COL_M] = true;
		else
			composite_fields(PG_GETARG_DATUM(0), 4, rfm_field_types, values, nulls);
	}
	else
		for (int c = 0; c < 3; c++)
		{
			nulls[c] = PG_ARGISNULL(c);
			values[c] = PG_GETARG_DATUM(c);
		}

	for (int c = 0; c < 3; c++)
	{
		const double *cuts = cache->breaks.cuts[c];
		double		v;

		scores[c] = 0;
		if (nulls[c] || cache->breaks.isnull[c])
			continue;
		if (c == COL_R)
			v = DatumGetInt32(values[c]);
		else if (c == COL_F)
			v = (double) DatumGetInt64(values[c]);
		else
		{
			v = scaled_numeric_to_double(values[c]);
			check_finite(v, "monetary");
		}
		scores[c] = 1;
		for (int k = 0; k < cache->breaks.bins - 1; k++)
			scores[c] += c == COL_R ? cuts[k] >= v : cuts[k] <= v;
	}
	return score_result(fcinfo, scores);
}
