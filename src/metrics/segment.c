/*-------------------------------------------------------------------------
 *
 * segment.c
 *	  Named customer segments from R, F (and M) scores: the default
 *	  10-segment map and user maps given as jsonb rules.
 *
 * The default map is the widely used RFM segment grid on R and F scores of
 * 1..5 (DESIGN section 2); it covers all 25 cells exactly once. User rules
 * are parsed once per query and cached in fn_extra, keyed by the bytes of
 * the jsonb value, so a rule set applied to millions of rows is parsed once.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"

#include "base/composite.h"
#include "metrics/segment.h"
#include "retention.h"

#define DEFAULT_MAP_MAX_SCORE	5
#define RULES_MAX_SCORE			9	/* rfm_score allows at most 9 bins */

/* default_segments[r - 1][f - 1] */
static const char *const default_segments[5][5] = {
	{"Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose Them"},
	{"Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose Them"},
	{"About to Sleep", "About to Sleep", "Need Attention", "Loyal Customers", "Loyal Customers"},
	{"Promising", "Potential Loyalists", "Potential Loyalists", "Loyal Customers", "Loyal Customers"},
	{"New Customers", "Potential Loyalists", "Potential Loyalists", "Champions", "Champions"},
};

/* The score names, in the order of SegmentRule's ranges. */
static const char *const score_names[3] = {"r", "f", "m"};

/* One user rule: the segment and an inclusive range per score. */
typedef struct SegmentRule
{
	char	   *segment;
	int32		low[3];
	int32		high[3];
} SegmentRule;

/* A parsed rule set, with a copy of the jsonb it came from as cache key. */
struct SegmentRuleSet
{
	Jsonb	   *source;
	int			nrules;
	SegmentRule *rules;
};

/*
 * What fn_extra holds: the last rule set, in a context of its own that is
 * reset when the rules change, so rules that vary by row do not pile up.
 */
typedef struct SegmentRuleCache
{
	MemoryContext context;
	SegmentRuleSet *set;
} SegmentRuleCache;

static inline void
check_score(int32 score, const char *argname, int32 max_score)
{
	if (score < 1 || score > max_score)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("score %s must be between 1 and %d", argname, max_score),
				 errdetail("%s is %d.", argname, score)));
}

static void
rule_error(int rule, const char *fmt, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid segment rules"),
			 errdetail("Rule %d: %s.", rule, psprintf(fmt, what)),
			 errhint("rules is a JSON array of objects such as {\"segment\": \"Champions\", \"r\": [4, 5], \"f\": [4, 5]}; the ranges \"r\", \"f\" and \"m\" are optional.")));
}

/*
 * A score bound from a rule: a JSON number that is a whole score 1..9.
 */
static int32
rule_bound(JsonbValue *value, int rule, const char *key)
{
	double		bound;

	if (value->type != jbvNumeric)
		rule_error(rule, "the range \"%s\" must hold two numbers", key);
	bound = DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow,
											   NumericGetDatum(value->val.numeric)));
	/* the numeric itself must be whole: 0.99999999999999999999 rounds to 1 */
	if (!(bound >= 1 && bound <= RULES_MAX_SCORE) || bound != floor(bound) ||
		!DatumGetBool(DirectFunctionCall2(numeric_eq, NumericGetDatum(value->val.numeric),
										  DirectFunctionCall1(int4_numeric,
															  Int32GetDatum((int32) bound)))))
		rule_error(rule, "the range \"%s\" must hold whole scores from 1 to 9", key);
	return (int32) bound;
}

/* Parse one "r"/"f"/"m" range [low, high] into rule->low/high[which]. */
static void
parse_rule_range(SegmentRule *rule, int which, JsonbValue *value, int rule_no)
{
	const char *key = score_names[which];
	JsonbContainer *range;

	if (value->type != jbvBinary || !JsonContainerIsArray(value->val.binary.data) ||
		JsonContainerSize(value->val.binary.data) != 2)
		rule_error(rule_no, "the range \"%s\" must be an array [low, high]", key);
	range = value->val.binary.data;
	rule->low[which] = rule_bound(getIthJsonbValueFromContainer(range, 0), rule_no, key);
	rule->high[which] = rule_bound(getIthJsonbValueFromContainer(range, 1), rule_no, key);
	if (rule->low[which] > rule->high[which])
		rule_error(rule_no, "the range \"%s\" has its low above its high", key);
}

/* Parse rule number rule_no (1-based) from a JSON object. */
static void
parse_rule(SegmentRule *rule, JsonbValue *element, int rule_no)
{
	JsonbIterator *it;
	JsonbValue	v;
	JsonbIteratorToken token;
	char	   *key = NULL;

	if (element->type != jbvBinary || !JsonContainerIsObject(element->val.binary.data))
		rule_error(rule_no, "%s", "a rule must be a JSON object");

	rule->segment = NULL;
	for (int i = 0; i < 3; i++)
	{
		rule->low[i] = 1;
		rule->high[i] = RULES_MAX_SCORE;
	}

	it = JsonbIteratorInit(element->val.binary.data);
	while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		if (token == WJB_KEY)
			key = pnstrdup(v.val.string.val, v.val.string.len);
		else if (token == WJB_VALUE)
		{
			int			which;

			if (strcmp(key, "segment") == 0)
			{
				if (v.type != jbvString)
					rule_error(rule_no, "%s", "\"segment\" must be a string");
				rule->segment = pnstrdup(v.val.string.val, v.val.string.len);
				continue;
			}
			for (which = 0; which < 3; which++)
				if (strcmp(key, score_names[which]) == 0)
					break;
			if (which == 3)
				rule_error(rule_no, "unknown key \"%s\"", key);
			parse_rule_range(rule, which, &v, rule_no);
		}
	}
	if (rule->segment == NULL)
		rule_error(rule_no, "%s", "the key \"segment\" is missing");
}

/* Parse a whole rule set into memory of mcxt (also for rfm_segments). */
SegmentRuleSet *
segment_parse_rules(Jsonb *rules, MemoryContext mcxt)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(mcxt);
	SegmentRuleSet *set = palloc(sizeof(SegmentRuleSet));

	if (!JB_ROOT_IS_ARRAY(rules) || JB_ROOT_IS_SCALAR(rules))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid segment rules"),
				 errdetail("rules must be a JSON array of rule objects.")));

	set->nrules = JB_ROOT_COUNT(rules);
	set->rules = palloc(sizeof(SegmentRule) * Max(set->nrules, 1));
	for (int i = 0; i < set->nrules; i++)
		parse_rule(&set->rules[i], getIthJsonbValueFromContainer(&rules->root, i), i + 1);

	set->source = palloc(VARSIZE(rules));
	memcpy(set->source, rules, VARSIZE(rules));
	MemoryContextSwitchTo(oldcxt);
	return set;
}

/*
 * The default segment of R and F scores, both checked to be 1..5 (also
 * for rfm_segments).
 */
const char *
segment_default_name(int32 r, int32 f)
{
	check_score(r, "r", DEFAULT_MAP_MAX_SCORE);
	check_score(f, "f", DEFAULT_MAP_MAX_SCORE);
	return default_segments[r - 1][f - 1];
}

static text *
default_segment(int32 r, int32 f)
{
	return cstring_to_text(segment_default_name(r, f));
}

/*
 * The segment of the first rule whose ranges hold all three scores
 * (1..9), or NULL when none does (also for rfm_segments).
 */
const char *
segment_match(const SegmentRuleSet *set, const int32 *scores)
{
	for (int i = 0; i < set->nrules; i++)
	{
		const SegmentRule *rule = &set->rules[i];
		bool		match = true;

		for (int s = 0; s < 3 && match; s++)
			match = scores[s] >= rule->low[s] && scores[s] <= rule->high[s];
		if (match)
			return rule->segment;
	}
	return NULL;
}

/*
 * segment(r, f [, m]) returns text
 *
 * The default map on the R and F scores; m, when given, is checked (1..5)
 * but does not change the segment.
 */
PG_FUNCTION_INFO_V1(segment);
Datum
segment(PG_FUNCTION_ARGS)
{
	text	   *result = default_segment(PG_GETARG_INT32(0), PG_GETARG_INT32(1));

	if (PG_NARGS() > 2)
		check_score(PG_GETARG_INT32(2), "m", DEFAULT_MAP_MAX_SCORE);
	PG_RETURN_TEXT_P(result);
}

/*
 * segment(rfm_score) returns text
 *
 * The default map on the composite's R and F scores; NULL when either is
 * NULL. M, when not NULL, is checked (1..5) as in segment(r, f, m).
 */
PG_FUNCTION_INFO_V1(segment_rfm_score);
Datum
segment_rfm_score(PG_FUNCTION_ARGS)
{
	static const Oid types[4] = {INT4OID, INT4OID, INT4OID, TEXTOID};
	Datum		values[4];
	bool		nulls[4];
	text	   *result;

	composite_fields(PG_GETARG_DATUM(0), 4, types, values, nulls);
	if (nulls[0] || nulls[1])
		PG_RETURN_NULL();
	result = default_segment(DatumGetInt32(values[0]), DatumGetInt32(values[1]));
	if (!nulls[2])
		check_score(DatumGetInt32(values[2]), "m", DEFAULT_MAP_MAX_SCORE);
	PG_RETURN_TEXT_P(result);
}

/*
 * segment(r, f, m, rules jsonb) returns text
 *
 * The first rule whose ranges hold all three scores names the segment; no
 * match gives NULL. Scores are 1..9 (the most bins rfm_score allows).
 */
PG_FUNCTION_INFO_V1(segment_rules);
Datum
segment_rules(PG_FUNCTION_ARGS)
{
	int32		scores[3];
	Jsonb	   *rules = PG_GETARG_JSONB_P(3);
	SegmentRuleCache *cache = (SegmentRuleCache *) fcinfo->flinfo->fn_extra;
	SegmentRuleSet *set;
	const char *name;

	for (int i = 0; i < 3; i++)
	{
		scores[i] = PG_GETARG_INT32(i);
		check_score(scores[i], score_names[i], RULES_MAX_SCORE);
	}

	if (cache == NULL)
	{
		cache = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(SegmentRuleCache));
		cache->context = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt,
											   "segment rules",
											   ALLOCSET_SMALL_SIZES);
		fcinfo->flinfo->fn_extra = cache;
	}
	set = cache->set;
	if (set == NULL || VARSIZE(set->source) != VARSIZE(rules) ||
		memcmp(set->source, rules, VARSIZE(rules)) != 0)
	{
		cache->set = NULL;
		MemoryContextReset(cache->context);
		set = segment_parse_rules(rules, cache->context);
		cache->set = set;
	}

	name = segment_match(set, scores);
	if (name == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(cstring_to_text(name));
}
