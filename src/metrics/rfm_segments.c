/*-------------------------------------------------------------------------
 *
 * rfm_segments.c
 *	  Reading an rfm_population or rfm_population_text (DESIGN section 10):
 *	  rfm_segments, every customer's rfm, window scores and segment, and
 *	  rfm_breaks of the population.
 *
 * Each figure comes from the code that computes it for the GROUP BY form:
 * a customer's rfm from rfm_state_fields (rfm.c), the scores from
 * rfm_score_rank (rfm_score.c, the window function's ranking), the
 * segments from segment.c's maps and the breaks from rfm_breaks.c. So
 * rfm_segments gives exactly rfm + rfm_score() OVER () + segment() over
 * the same orders, and rfm_breaks(population) exactly the rfm_breaks
 * aggregate over those rfm values.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "base/checks.h"
#include "base/scaled.h"
#include "metrics/rfm.h"
#include "metrics/rfm_breaks.h"
#include "metrics/rfm_population.h"
#include "metrics/rfm_score.h"
#include "metrics/segment.h"
#include "retention.h"

#define SEGMENTS_DEFAULT_MAP_BINS	5

/* Every customer's rfm fields, in the stored order (by id). */
typedef struct PopulationRows
{
	int64		n;
	Datum	   *ids;			/* bigint or text */
	int32	   *recency;		/* recency_days, when not NULL */
	bool	   *recency_null;	/* only refunds: recency and tenure NULL */
	int64	   *frequency;
	Datum	   *monetary;		/* numeric */
	int32	   *tenure;
} PopulationRows;

/* What rfm_segments keeps between calls. */
typedef struct SegmentsState
{
	PopulationRows rows;
	int32		bins;
	int32	   *below[3];
	int64		counted[3];
	SegmentRuleSet *rules;		/* NULL: the default map (bins 5) or none */
} SegmentsState;

/*
 * Reads every customer of a stored population, of bigint or text ids
 * (text_ids), into rows, in the current context.
 */
static void
read_rows(bytea *bytes, PopulationRows *rows, bool text_ids)
{
	RfmPopulationReader r;
	RfmState	state;
	int64		id;
	int64		i = 0;

	rfm_population_begin_read(&r, bytes, true, text_ids);
	rows->n = r.count;
	rows->ids = palloc_extended(sizeof(Datum) * r.count, MCXT_ALLOC_HUGE);
	rows->recency = palloc_extended(sizeof(int32) * r.count, MCXT_ALLOC_HUGE);
	rows->recency_null = palloc_extended(sizeof(bool) * r.count, MCXT_ALLOC_HUGE);
	rows->frequency = palloc_extended(sizeof(int64) * r.count, MCXT_ALLOC_HUGE);
	rows->monetary = palloc_extended(sizeof(Datum) * r.count, MCXT_ALLOC_HUGE);
	rows->tenure = palloc_extended(sizeof(int32) * r.count, MCXT_ALLOC_HUGE);
	while (rfm_population_next(&r, &id, &state))
	{
		Datum		values[4];
		bool		nulls[4];

		if ((i & 1023) == 0)
			CHECK_FOR_INTERRUPTS();
		rfm_state_fields(&state, values, nulls);
		rows->ids[i] = text_ids ?
			PointerGetDatum(cstring_to_text_with_len(r.text, (int) r.text_len)) :
			Int64GetDatum(id);
		rows->recency_null[i] = nulls[0];
		rows->recency[i] = nulls[0] ? 0 : DatumGetInt32(values[0]);
		rows->frequency[i] = DatumGetInt64(values[1]);
		rows->monetary[i] = values[2];
		rows->tenure[i] = nulls[3] ? 0 : DatumGetInt32(values[3]);
		i++;
	}
}

/*
 * The segment of a customer's scores (0: NULL): the first matching rule
 * when there are rules (NULL when a score is NULL or no rule matches, as
 * segment(r, f, m, rules) gives), else the default map when bins is 5
 * (NULL when R or F is NULL, as segment(rfm_score)), else NULL.
 */
static const char *
row_segment(const SegmentsState *st, const int32 *scores)
{
	if (st->rules != NULL)
	{
		if (scores[0] == 0 || scores[1] == 0 || scores[2] == 0)
			return NULL;
		return segment_match(st->rules, scores);
	}
	if (st->bins != SEGMENTS_DEFAULT_MAP_BINS || scores[0] == 0 || scores[1] == 0)
		return NULL;
	return segment_default_name(scores[0], scores[1]);
}

/*
 * rfm_segments(population rfm_population, bins integer DEFAULT 5, rules
 * jsonb DEFAULT NULL) returns setof (customer_id, recency_days, frequency,
 * monetary, tenure_days, r, f, m, code, segment)
 *
 * One row per customer of the population (customers whose rows were all
 * NULL or after as_of are not in it), by increasing id (text ids in byte
 * order), with the window scores over the whole population and the
 * segment (row_segment). Not STRICT: a NULL population gives no row, NULL
 * rules mean none, a NULL bins is an error (22004) as in rfm_score; bins
 * must be 2..9. text_ids: the population is an rfm_population_text.
 */
static Datum
segments(FunctionCallInfo fcinfo, bool text_ids)
{
	FuncCallContext *funcctx;
	SegmentsState *st;
	int64		i;
	int32		scores[3];
	Datum		values[10];
	bool		nulls[10];
	char		code[4];
	const char *segment;

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext oldcxt;
		TupleDesc	tupdesc;

		funcctx = SRF_FIRSTCALL_INIT();
		if (PG_ARGISNULL(1))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("bins must not be NULL")));
		oldcxt = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "rfm_segments must return a composite");
		funcctx->tuple_desc = BlessTupleDesc(tupdesc);
		st = palloc0(sizeof(SegmentsState));
		st->bins = rfm_check_bins(PG_GETARG_INT32(1));
		if (!PG_ARGISNULL(2))
			st->rules = segment_parse_rules(PG_GETARG_JSONB_P(2), funcctx->multi_call_memory_ctx);
		if (!PG_ARGISNULL(0))
		{
			read_rows(PG_GETARG_BYTEA_PP(0), &st->rows, text_ids);
			for (int c = 0; c < 3; c++)
				st->below[c] = palloc_extended(sizeof(int32) * st->rows.n, MCXT_ALLOC_HUGE);
			rfm_score_rank(st->rows.n, st->rows.recency, st->rows.recency_null,
						   st->rows.frequency, st->rows.monetary, st->below, st->counted);
		}
		funcctx->max_calls = st->rows.n;
		funcctx->user_fctx = st;
		MemoryContextSwitchTo(oldcxt);
	}

	funcctx = SRF_PERCALL_SETUP();
	st = (SegmentsState *) funcctx->user_fctx;
	if (funcctx->call_cntr >= funcctx->max_calls)
		SRF_RETURN_DONE(funcctx);
	i = (int64) funcctx->call_cntr;

	memset(nulls, 0, sizeof(nulls));
	values[0] = st->rows.ids[i];
	values[1] = Int32GetDatum(st->rows.recency[i]);
	nulls[1] = nulls[4] = st->rows.recency_null[i];
	values[2] = Int64GetDatum(st->rows.frequency[i]);
	values[3] = st->rows.monetary[i];
	values[4] = Int32GetDatum(st->rows.tenure[i]);
	for (int c = 0; c < 3; c++)
	{
		scores[c] = rfm_score_of(st->below[c][i], st->bins, st->counted[c]);
		values[5 + c] = Int32GetDatum(scores[c]);
		nulls[5 + c] = scores[c] == 0;
		code[c] = (char) ('0' + scores[c]);
	}
	code[3] = '\0';
	nulls[8] = nulls[5] || nulls[6] || nulls[7];
	values[8] = nulls[8] ? (Datum) 0 : PointerGetDatum(cstring_to_text(code));
	segment = row_segment(st, scores);
	nulls[9] = segment == NULL;
	values[9] = nulls[9] ? (Datum) 0 : PointerGetDatum(cstring_to_text(segment));
	SRF_RETURN_NEXT(funcctx, HeapTupleGetDatum(heap_form_tuple(funcctx->tuple_desc,
															   values, nulls)));
}

/* rfm_segments(rfm_population, integer, jsonb): segments of bigint ids. */
SQL_FUNCTION(rfm_segments, segments(fcinfo, false));

/* rfm_segments(rfm_population_text, integer, jsonb): segments of text ids. */
SQL_FUNCTION(rfm_segments_text, segments(fcinfo, true));

/*
 * rfm_breaks(population rfm_population, bins integer DEFAULT 5) returns
 * rfm_breaks: what the rfm_breaks aggregate gives over the population's
 * rfm values (recency of customers with only refunds is NULL and not
 * counted). bins must be 2..9. text_ids: an rfm_population_text.
 */
static Datum
breaks(FunctionCallInfo fcinfo, bool text_ids)
{
	int32		bins = rfm_check_bins(PG_GETARG_INT32(1));
	PopulationRows rows;
	double	   *columns[3];
	int64		n[3] = {0, 0, 0};

	read_rows(PG_GETARG_BYTEA_PP(0), &rows, text_ids);
	for (int c = 0; c < 3; c++)
		columns[c] = palloc_extended(sizeof(double) * rows.n, MCXT_ALLOC_HUGE);
	for (int64 i = 0; i < rows.n; i++)
	{
		double		m = scaled_numeric_to_double(rows.monetary[i]);

		check_finite(m, "monetary");
		if (!rows.recency_null[i])
			columns[0][n[0]++] = rows.recency[i];
		columns[1][n[1]++] = (double) rows.frequency[i];
		columns[2][n[2]++] = m;
	}
	return rfm_breaks_of_columns(fcinfo, bins, columns, n);
}

/* rfm_breaks(rfm_population, integer): breaks of a population of bigint ids. */
SQL_FUNCTION(rfm_breaks_population, breaks(fcinfo, false));

/* rfm_breaks(rfm_population_text, integer): breaks of a population of text ids. */
SQL_FUNCTION(rfm_breaks_population_text, breaks(fcinfo, true));
