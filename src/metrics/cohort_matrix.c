/*-------------------------------------------------------------------------
 *
 * cohort_matrix.c
 *	  The cohort_matrix type (text and binary I/O, consistency checks) and
 *	  its readers cohort_table and retention_curve.
 *
 * The text form is a JSON object:
 *	  {"unit": "month", "last": "2025-03-01", "cohorts": [{"start":
 *	  "2025-01-01", "size": 3, "active": [3, 2, 1], "rolling": [3, 2, 1],
 *	  "revenue": [30.00, 12.50, 4.00]}, ...]}
 * with periods named by the date they start on. Every value that reaches a
 * reader has passed cohort_matrix_check, which refuses anything a
 * cohort_retention aggregate could not have produced: readers never see an
 * inconsistent matrix, and a corrupt one is an error, never a crash.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/int.h"
#include "common/jsonapi.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/jsonb.h"
#include "utils/memutils.h"
#include "utils/numeric.h"

#include "base/codec.h"
#include "base/composite.h"
#include "base/scaled.h"
#include "metrics/cohort_matrix.h"
#include "retention.h"

/*
 * Cells per count (active, rolling or revenue) of a matrix with these
 * cohorts: the sum of their lengths. The header must have passed
 * check_header (so every length is positive).
 */
uint64
cohort_matrix_ncells(int32 ncohorts, const int32 *starts, int32 last)
{
	uint64		cells = 0;

	for (int32 i = 0; i < ncohorts; i++)
		cells += (uint64) (last - starts[i] + 1);
	return cells;
}

/*
 * Size of a matrix with these cohorts; error 54000 when it would exceed
 * the 1 GB limit of a value. The header must have passed check_header.
 */
Size
cohort_matrix_size(uint8 flags, int32 ncohorts, const int32 *starts, int32 last)
{
	uint64		cells = cohort_matrix_ncells(ncohorts, starts, last);
	uint64		size;

	size = cohort_matrix_cells_offset(ncohorts) +
		cells * cohort_matrix_blocks(flags) * sizeof(int64);
	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("cohort matrix is too large"),
				 errdetail("The matrix has " UINT64_FORMAT " cells per count, more than a value can hold.",
						   cells),
				 errhint("Use a longer period, such as 'week' or 'month' instead of 'day'.")));
	return (Size) size;
}

/*
 * A zeroed matrix with its header and cohort starts filled in; the header
 * must have passed check_header.
 */
CohortMatrix *
cohort_matrix_alloc(TimeUnit unit, uint8 flags, int scale, int32 ncohorts,
					const int32 *starts, int32 last)
{
	Size		size = cohort_matrix_size(flags, ncohorts, starts, last);
	CohortMatrix *matrix = palloc0(size);

	SET_VARSIZE(matrix, size);
	matrix->version = COHORT_MATRIX_VERSION;
	matrix->unit = (uint8) unit;
	matrix->flags = flags;
	matrix->revenue_scale = (uint8) scale;
	matrix->ncohorts = ncohorts;
	matrix->last = last;
	memcpy(matrix->starts, starts, sizeof(int32) * ncohorts);
	return matrix;
}

#define MATRIX_ERROR(sqlstate, ...) \
	ereport(ERROR, \
			(errcode(sqlstate), \
			 errmsg("invalid cohort_matrix value"), \
			 errdetail(__VA_ARGS__)))

/*
 * The header of a matrix: a known version, unit and flags, a revenue scale
 * of 0 to 18 (0 without revenue), at least one cohort, cohort starts
 * strictly increasing, and all periods within the supported years, the
 * last one not before any cohort start.
 */
static void
check_header(int version, int unit, int flags, int scale, int32 ncohorts,
			 const int32 *starts, int32 last, int sqlstate)
{
	int32		first_period;
	int32		last_period;

	if (version != COHORT_MATRIX_VERSION)
		MATRIX_ERROR(sqlstate, "The format version is %d; this build reads version %d.",
					 version, COHORT_MATRIX_VERSION);
	if (unit < TIME_UNIT_DAY || unit > TIME_UNIT_MAX)
		MATRIX_ERROR(sqlstate, "The period unit %d is unknown.", unit);
	if ((flags & ~COHORT_MATRIX_HAS_REVENUE) != 0)
		MATRIX_ERROR(sqlstate, "The flags %d are unknown.", flags);
	if (scale < 0 || scale > COHORT_MAX_REVENUE_SCALE ||
		(scale != 0 && !(flags & COHORT_MATRIX_HAS_REVENUE)))
		MATRIX_ERROR(sqlstate, "The revenue scale %d is out of range.", scale);
	if (ncohorts < 1)
		MATRIX_ERROR(sqlstate, "The matrix has %d cohorts; it must have at least one.", ncohorts);
	first_period = time_unit_first_period(unit);
	last_period = time_unit_last_period(unit);
	if (last < first_period || last > last_period)
		MATRIX_ERROR(sqlstate, "The last period %d is outside the years %d to %d.",
					 last, TIME_UNIT_MIN_YEAR, TIME_UNIT_MAX_YEAR);
	for (int32 i = 0; i < ncohorts; i++)
	{
		if (starts[i] < first_period || starts[i] > last)
			MATRIX_ERROR(sqlstate, "Cohort %d starts at period %d, outside the years %d to %d or after the last period.",
						 i + 1, starts[i], TIME_UNIT_MIN_YEAR, TIME_UNIT_MAX_YEAR);
		if (i > 0 && starts[i] <= starts[i - 1])
			MATRIX_ERROR(sqlstate, "Cohort %d does not start after cohort %d.", i + 1, i);
	}
}

/*
 * The counts of every cohort: active[0] = rolling[0] = size > 0;
 * 0 <= active[k] <= rolling[k]; rolling non-increasing, dropping from k to
 * k + 1 by at most active[k] (those whose last activity is at k were active
 * at k); rolling = active at the last period; and some cohort is active in
 * the last period.
 */
static void
check_cells(CohortMatrix *matrix, int sqlstate)
{
	int64	   *cells = cohort_matrix_cells(matrix);
	int			blocks = cohort_matrix_blocks(matrix->flags);
	bool		last_active = false;

	for (int32 i = 0; i < matrix->ncohorts; i++)
	{
		int32		len = cohort_matrix_len(matrix, matrix->starts[i]);
		int64	   *active = cells;
		int64	   *rolling = cells + len;
		int64		size = active[0];

		CHECK_FOR_INTERRUPTS();
		if (size <= 0 || rolling[0] != size)
			MATRIX_ERROR(sqlstate, "Cohort %d has size " INT64_FORMAT ", active " INT64_FORMAT " and rolling " INT64_FORMAT " at offset 0; they must be equal and positive.",
						 i + 1, size, active[0], rolling[0]);
		for (int32 k = 0; k < len; k++)
		{
			if (active[k] < 0 || active[k] > rolling[k])
				MATRIX_ERROR(sqlstate, "Cohort %d has active " INT64_FORMAT " and rolling " INT64_FORMAT " at offset %d; 0 <= active <= rolling must hold.",
							 i + 1, active[k], rolling[k], k);
			/* rolling[k] - active[k] >= 0: no overflow, unlike rolling[k] - rolling[k + 1] */
			if (k + 1 < len &&
				(rolling[k + 1] > rolling[k] || rolling[k + 1] < rolling[k] - active[k]))
				MATRIX_ERROR(sqlstate, "Cohort %d has rolling " INT64_FORMAT " at offset %d and " INT64_FORMAT " at offset %d; rolling must not grow, nor drop by more than the active customers.",
							 i + 1, rolling[k], k, rolling[k + 1], k + 1);
		}
		if (rolling[len - 1] != active[len - 1])
			MATRIX_ERROR(sqlstate, "Cohort %d has rolling " INT64_FORMAT " but active " INT64_FORMAT " in the last period; they must be equal.",
						 i + 1, rolling[len - 1], active[len - 1]);
		if (active[len - 1] > 0)
			last_active = true;
		cells += (Size) blocks * len;
	}
	if (!last_active)
		MATRIX_ERROR(sqlstate, "No cohort is active in the last period.");
}

/*
 * Check a whole matrix of `size` bytes: header, exact size and counts.
 * sqlstate is 22P02 for text input, 22P03 for binary input and XX001 for a
 * stored value found corrupt.
 */
void
cohort_matrix_check(const CohortMatrix *matrix, Size size, int sqlstate)
{
	if (size < offsetof(CohortMatrix, starts))
		MATRIX_ERROR(sqlstate, "The value has %zu bytes, fewer than a header.", size);
	if (matrix->ncohorts < 1 ||
		(Size) matrix->ncohorts > (size - offsetof(CohortMatrix, starts)) / sizeof(int32))
		MATRIX_ERROR(sqlstate, "The value has %d cohorts, which do not fit in %zu bytes.",
					 matrix->ncohorts, size);
	check_header(matrix->version, matrix->unit, matrix->flags, matrix->revenue_scale,
				 matrix->ncohorts, matrix->starts, matrix->last, sqlstate);
	if (cohort_matrix_size(matrix->flags, matrix->ncohorts, matrix->starts,
						   matrix->last) != size)
		MATRIX_ERROR(sqlstate, "The value has %zu bytes but its cohorts need %zu.",
					 size, cohort_matrix_size(matrix->flags, matrix->ncohorts,
											  matrix->starts, matrix->last));
	check_cells((CohortMatrix *) matrix, sqlstate);
}

/* A matrix argument, detoasted and checked (a corrupt stored value errors). */
static CohortMatrix *
getarg_matrix(FunctionCallInfo fcinfo, int argno)
{
	CohortMatrix *matrix = PG_GETARG_COHORT_MATRIX_P(argno);

	cohort_matrix_check(matrix, VARSIZE(matrix), ERRCODE_DATA_CORRUPTED);
	return matrix;
}

/* Append a period as the ISO date it starts on. */
static void
append_period(StringInfo out, TimeUnit unit, int32 period)
{
	int			year;
	int			month;
	int			day;

	j2date(time_unit_period_start(unit, period) + POSTGRES_EPOCH_JDATE, &year, &month, &day);
	appendStringInfo(out, "\"%04d-%02d-%02d\"", year, month, day);
}

static void
append_counts(StringInfo out, const char *key, const int64 *values, int32 len)
{
	appendStringInfo(out, ", \"%s\": [", key);
	for (int32 k = 0; k < len; k++)
		appendStringInfo(out, k ? ", " INT64_FORMAT : INT64_FORMAT, values[k]);
	appendStringInfoChar(out, ']');
}

/*
 * cohort_matrix_out(cohort_matrix) returns cstring
 *
 * The JSON text form of the header comment, keys in a fixed order.
 */
PG_FUNCTION_INFO_V1(cohort_matrix_out);
Datum
cohort_matrix_out(PG_FUNCTION_ARGS)
{
	CohortMatrix *matrix = getarg_matrix(fcinfo, 0);
	TimeUnit	unit = (TimeUnit) matrix->unit;
	int64	   *cells = cohort_matrix_cells(matrix);
	int			blocks = cohort_matrix_blocks(matrix->flags);
	StringInfoData out;

	initStringInfo(&out);
	appendStringInfo(&out, "{\"unit\": \"%s\", \"last\": ", time_unit_name(unit));
	append_period(&out, unit, matrix->last);
	appendStringInfoString(&out, ", \"cohorts\": [");
	for (int32 i = 0; i < matrix->ncohorts; i++)
	{
		int32		len = cohort_matrix_len(matrix, matrix->starts[i]);

		CHECK_FOR_INTERRUPTS();
		appendStringInfoString(&out, i ? ", {\"start\": " : "{\"start\": ");
		append_period(&out, unit, matrix->starts[i]);
		appendStringInfo(&out, ", \"size\": " INT64_FORMAT, cells[0]);
		append_counts(&out, "active", cells, len);
		append_counts(&out, "rolling", cells + len, len);
		if (matrix->flags & COHORT_MATRIX_HAS_REVENUE)
		{
			appendStringInfoString(&out, ", \"revenue\": [");
			for (int32 k = 0; k < len; k++)
			{
				if (k)
					appendStringInfoString(&out, ", ");
				scaled_append_decimal(&out, cells[2 * len + k], matrix->revenue_scale);
			}
			appendStringInfoChar(&out, ']');
		}
		appendStringInfoChar(&out, '}');
		cells += (Size) blocks * len;
	}
	appendStringInfoString(&out, "]}");
	PG_RETURN_CSTRING(out.data);
}

#define SYNTAX_ERROR(...) \
	ereport(ERROR, \
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION), \
			 errmsg("invalid input syntax for type cohort_matrix"), \
			 errdetail(__VA_ARGS__), \
			 errhint("A cohort_matrix reads as {\"unit\": \"month\", \"last\": \"2025-02-01\", \"cohorts\": [{\"start\": \"2025-01-01\", \"size\": 2, \"active\": [2, 1], \"rolling\": [2, 1]}]}.")))

/*
 * Duplicate keys: jsonb keeps the last value of a repeated key, so the
 * text is parsed once more with the JSON parser's callbacks, which see
 * every key. A stack holds, per open object, the set of the matrix's keys
 * seen in it (keys that are not the matrix's are refused by check_keys).
 */
static const char *const matrix_keys[] = {
	"unit", "last", "cohorts", "start", "size", "active", "rolling", "revenue", NULL
};

typedef struct DuplicateKeyCheck
{
	uint16	   *seen;			/* per open object: bit i for matrix_keys[i] */
	int			depth;
	int			capacity;
} DuplicateKeyCheck;

#if PG_VERSION_NUM >= 160000
#define JSON_CALLBACK_RESULT JsonParseErrorType
#define JSON_CALLBACK_DONE return JSON_SUCCESS
#else
#define JSON_CALLBACK_RESULT void
#define JSON_CALLBACK_DONE return
#endif

static JSON_CALLBACK_RESULT
duplicate_object_start(void *arg)
{
	DuplicateKeyCheck *check = (DuplicateKeyCheck *) arg;

	if (check->depth == check->capacity)
	{
		check->capacity *= 2;
		check->seen = repalloc(check->seen, mul_size(sizeof(uint16), check->capacity));
	}
	check->seen[check->depth++] = 0;
	JSON_CALLBACK_DONE;
}

static JSON_CALLBACK_RESULT
duplicate_object_end(void *arg)
{
	((DuplicateKeyCheck *) arg)->depth--;
	JSON_CALLBACK_DONE;
}

static JSON_CALLBACK_RESULT
duplicate_field_start(void *arg, char *fname, bool isnull)
{
	DuplicateKeyCheck *check = (DuplicateKeyCheck *) arg;

	for (int i = 0; matrix_keys[i]; i++)
		if (strcmp(fname, matrix_keys[i]) == 0)
		{
			if (check->seen[check->depth - 1] & (1 << i))
				SYNTAX_ERROR("The key \"%s\" appears twice in one object.", fname);
			check->seen[check->depth - 1] |= 1 << i;
		}
	JSON_CALLBACK_DONE;
}

/* Refuse a text whose objects repeat a key (its JSON is known valid). */
static void
check_duplicate_keys(char *str)
{
	DuplicateKeyCheck check = {palloc(sizeof(uint16) * 8), 0, 8};
	JsonSemAction sem = {0};
	JsonLexContext *lex;

	sem.semstate = &check;
	sem.object_start = duplicate_object_start;
	sem.object_end = duplicate_object_end;
	sem.object_field_start = duplicate_field_start;
#if PG_VERSION_NUM >= 170000
	lex = makeJsonLexContextCstringLen(NULL, str, strlen(str), GetDatabaseEncoding(), true);
#else
	lex = makeJsonLexContextCstringLen(str, strlen(str), GetDatabaseEncoding(), true);
#endif
	if (pg_parse_json(lex, &sem) != JSON_SUCCESS)
		elog(ERROR, "cohort_matrix text that jsonb accepted failed to parse");
	pfree(check.seen);
}

/* The value of key in a JSON object, or NULL. */
static JsonbValue *
object_get(JsonbContainer *object, const char *key)
{
	return getKeyJsonValueFromContainer(object, key, strlen(key), NULL);
}

/* Refuse keys of a JSON object other than the allowed ones. */
static void
check_keys(JsonbContainer *object, const char *const *allowed, const char *where)
{
	JsonbIterator *it = JsonbIteratorInit(object);
	JsonbValue	v;
	JsonbIteratorToken token;

	while ((token = JsonbIteratorNext(&it, &v, true)) != WJB_DONE)
	{
		bool		known = false;

		if (token != WJB_KEY)
			continue;
		for (const char *const *key = allowed; *key; key++)
			if (strlen(*key) == (size_t) v.val.string.len &&
				memcmp(*key, v.val.string.val, v.val.string.len) == 0)
				known = true;
		if (!known)
			SYNTAX_ERROR("%s has the unknown key \"%s\".", where,
						 pnstrdup(v.val.string.val, v.val.string.len));
	}
}

/* A JSON string value as a C string, or an error naming what it is. */
static char *
json_string(JsonbValue *v, const char *what)
{
	if (v == NULL || v->type != jbvString)
		SYNTAX_ERROR("%s must be a JSON string.", what);
	return pnstrdup(v->val.string.val, v->val.string.len);
}

/* The JSON array under key, with its length; error if it is not one. */
static JsonbContainer *
json_array(JsonbContainer *object, const char *key, const char *where, int32 *len)
{
	JsonbValue *v = object_get(object, key);

	if (v == NULL || v->type != jbvBinary || !JsonContainerIsArray(v->val.binary.data) ||
		JsonContainerIsScalar(v->val.binary.data))
		SYNTAX_ERROR("%s must have an array \"%s\".", where, key);
	*len = JsonContainerSize(v->val.binary.data);
	return v->val.binary.data;
}

/* A JSON number as units of 10^-scale (see scaled_parse_decimal). */
static void
json_decimal(JsonbValue *v, const char *what, int64 *units, int *scale)
{
	if (v == NULL || v->type != jbvNumeric ||
		!scaled_parse_decimal(DatumGetCString(DirectFunctionCall1(numeric_out,
																  NumericGetDatum(v->val.numeric))),
							  units, scale))
		SYNTAX_ERROR("%s must be a number of at most %d decimals that fits in bigint.",
					 what, COHORT_MAX_REVENUE_SCALE);
}

/*
 * Units of 10^-scale as a whole number in *units: 3.00 is 3; false when
 * there is a fraction (3.50).
 */
static bool
decimal_whole(int64 *units, int scale)
{
	for (; scale > 0; scale--)
	{
		if (*units % 10 != 0)
			return false;
		*units /= 10;
	}
	return true;
}

/*
 * A period from its text "YYYY-MM-DD" (time_unit_parse_start); what names
 * the field in an error.
 */
static int32
parse_period(const char *text, TimeUnit unit, const char *what)
{
	int32		period;
	char	   *problem = time_unit_parse_start(text, unit, &period);

	if (problem != NULL)
		SYNTAX_ERROR("%s %s", what, problem);
	return period;
}

/*
 * cohort_matrix_in(cstring) returns cohort_matrix
 *
 * Reads the JSON text form. Malformed JSON, unknown or missing keys, wrong
 * types, dates that do not start a period, arrays of the wrong length and
 * inconsistent counts are all errors 22P02. The revenue scale is the
 * largest number of decimals among the revenue values, so the output of
 * cohort_matrix_out reads back to the same value.
 */
PG_FUNCTION_INFO_V1(cohort_matrix_in);
Datum
cohort_matrix_in(PG_FUNCTION_ARGS)
{
	static const char *const top_keys[] = {"unit", "last", "cohorts", NULL};
	static const char *const cohort_keys[] = {"start", "size", "active", "rolling", "revenue", NULL};
	char	   *str = PG_GETARG_CSTRING(0);
	Jsonb	   *jsonb;
	JsonbContainer *root;
	JsonbContainer *cohorts;
	char	   *unit_text;
	TimeUnit	unit;
	int32		last;
	int32		ncohorts;
	int32	   *starts;
	bool		has_revenue = false;
	int			scale = 0;
	CohortMatrix *matrix;
	int64	   *cells;
	int			blocks;

	jsonb = DatumGetJsonbP(DirectFunctionCall1(jsonb_in, CStringGetDatum(str)));
	check_duplicate_keys(str);
	root = &jsonb->root;
	if (!JsonContainerIsObject(root))
		SYNTAX_ERROR("The value must be a JSON object.");
	check_keys(root, top_keys, "The matrix");
	unit_text = json_string(object_get(root, "unit"), "\"unit\"");
	unit = time_unit_lookup(unit_text, strlen(unit_text));
	if (unit == 0)
		SYNTAX_ERROR("\"unit\" is \"%s\"; it must be day, week, month, quarter or year.", unit_text);
	last = parse_period(json_string(object_get(root, "last"), "\"last\""), unit, "\"last\"");
	cohorts = json_array(root, "cohorts", "The matrix", &ncohorts);
	if (ncohorts < 1)
		SYNTAX_ERROR("The matrix must have at least one cohort.");

	/* first pass: the starts, the lengths and the revenue scale */
	starts = palloc(sizeof(int32) * ncohorts);
	for (int32 i = 0; i < ncohorts; i++)
	{
		JsonbValue *c = getIthJsonbValueFromContainer(cohorts, i);
		char		where[32];
		const char *keys[] = {"active", "rolling", "revenue"};
		int32		len;

		snprintf(where, sizeof(where), "Cohort %d", i + 1);
		if (c->type != jbvBinary || !JsonContainerIsObject(c->val.binary.data))
			SYNTAX_ERROR("%s must be a JSON object.", where);
		check_keys(c->val.binary.data, cohort_keys, where);
		starts[i] = parse_period(json_string(object_get(c->val.binary.data, "start"),
											 "\"start\""), unit, "\"start\"");
		if (starts[i] > last)
			SYNTAX_ERROR("%s starts after the last period.", where);
		if (i > 0 && starts[i] <= starts[i - 1])
			SYNTAX_ERROR("%s does not start after cohort %d.", where, i);
		if (i == 0)
			has_revenue = object_get(c->val.binary.data, "revenue") != NULL;
		else if (has_revenue != (object_get(c->val.binary.data, "revenue") != NULL))
			SYNTAX_ERROR("Either every cohort has \"revenue\" or none has.");
		for (int b = 0; b < (has_revenue ? 3 : 2); b++)
		{
			JsonbContainer *array = json_array(c->val.binary.data, keys[b], where, &len);

			if (len != last - starts[i] + 1)
				SYNTAX_ERROR("%s has %d \"%s\" values; from its start to the last period it needs %d.",
							 where, len, keys[b], last - starts[i] + 1);
			for (int32 k = 0; b == 2 && k < len; k++)
			{
				int64		units;
				int			s;

				json_decimal(getIthJsonbValueFromContainer(array, k), "A revenue", &units, &s);
				scale = Max(scale, s);
			}
		}
	}
	check_header(COHORT_MATRIX_VERSION, unit, has_revenue ? COHORT_MATRIX_HAS_REVENUE : 0,
				 scale, ncohorts, starts, last, ERRCODE_INVALID_TEXT_REPRESENTATION);

	/* second pass: the cells */
	matrix = cohort_matrix_alloc(unit, has_revenue ? COHORT_MATRIX_HAS_REVENUE : 0, scale,
								 ncohorts, starts, last);
	cells = cohort_matrix_cells(matrix);
	blocks = cohort_matrix_blocks(matrix->flags);
	for (int32 i = 0; i < ncohorts; i++)
	{
		JsonbContainer *c = getIthJsonbValueFromContainer(cohorts, i)->val.binary.data;
		int32		len = cohort_matrix_len(matrix, starts[i]);
		const char *keys[] = {"active", "rolling", "revenue"};
		int64		size;
		int			s;

		CHECK_FOR_INTERRUPTS();
		json_decimal(object_get(c, "size"), "\"size\"", &size, &s);
		if (!decimal_whole(&size, s))
			SYNTAX_ERROR("\"size\" must be a whole number.");
		for (int b = 0; b < blocks; b++)
		{
			JsonbContainer *array = json_array(c, keys[b], "A cohort", &len);

			for (int32 k = 0; k < len; k++)
			{
				int64	   *cell = &cells[(Size) b * len + k];

				json_decimal(getIthJsonbValueFromContainer(array, k), "A count", cell, &s);
				if (b < 2 && !decimal_whole(cell, s))
					SYNTAX_ERROR("Cohort %d has a count that is not a whole number.", i + 1);
				if (b == 2 && !scaled_rescale(cell, s, scale))
					SYNTAX_ERROR("Cohort %d has a revenue that does not fit in bigint at %d decimals.",
								 i + 1, scale);
			}
		}
		if (size != cells[0])
			SYNTAX_ERROR("Cohort %d has size " INT64_FORMAT " but " INT64_FORMAT " active at offset 0.",
						 i + 1, size, cells[0]);
		cells += (Size) blocks * len;
	}
	check_cells(matrix, ERRCODE_INVALID_TEXT_REPRESENTATION);
	PG_RETURN_POINTER(matrix);
}

/*
 * cohort_matrix_send(cohort_matrix) returns bytea
 *
 * Binary form, in network byte order: version, unit, flags, revenue scale
 * (1 byte each), ncohorts and last (int32), the starts (int32 each), then
 * the cells (int64 each) in the order of the in-memory layout.
 */
PG_FUNCTION_INFO_V1(cohort_matrix_send);
Datum
cohort_matrix_send(PG_FUNCTION_ARGS)
{
	CohortMatrix *matrix = getarg_matrix(fcinfo, 0);
	int64	   *cells = cohort_matrix_cells(matrix);
	Size		ncells = (VARSIZE(matrix) - cohort_matrix_cells_offset(matrix->ncohorts)) /
		sizeof(int64);
	StringInfoData buf;

	codec_begin_write(&buf, matrix->version);
	pq_sendbyte(&buf, matrix->unit);
	pq_sendbyte(&buf, matrix->flags);
	pq_sendbyte(&buf, matrix->revenue_scale);
	pq_sendint32(&buf, matrix->ncohorts);
	pq_sendint32(&buf, matrix->last);
	for (int32 i = 0; i < matrix->ncohorts; i++)
		pq_sendint32(&buf, matrix->starts[i]);
	for (Size i = 0; i < ncells; i++)
		pq_sendint64(&buf, cells[i]);
	PG_RETURN_BYTEA_P(codec_end_write(&buf));
}

/* Refuse to read past the end of a binary message (22P03). */
static void
recv_need(StringInfo buf, Size bytes)
{
	if ((Size) (buf->len - buf->cursor) < bytes)
		MATRIX_ERROR(ERRCODE_INVALID_BINARY_REPRESENTATION,
					 "The binary value ends after %d bytes; %zu more are needed.",
					 buf->cursor, bytes);
}

/*
 * cohort_matrix_recv(internal) returns cohort_matrix
 *
 * Reads the binary form of cohort_matrix_send, checking every length and
 * every count as cohort_matrix_in does; errors are 22P03.
 */
PG_FUNCTION_INFO_V1(cohort_matrix_recv);
Datum
cohort_matrix_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			version;
	int			unit;
	int			flags;
	int			scale;
	int32		ncohorts;
	int32		last;
	int32	   *starts;
	CohortMatrix *matrix;
	int64	   *cells;
	uint64		ncells;

	recv_need(buf, 12);
	version = pq_getmsgbyte(buf);
	unit = pq_getmsgbyte(buf);
	flags = pq_getmsgbyte(buf);
	scale = pq_getmsgbyte(buf);
	ncohorts = pq_getmsgint(buf, 4);
	last = pq_getmsgint(buf, 4);
	if (ncohorts < 1 || (Size) ncohorts > (Size) (buf->len - buf->cursor) / sizeof(int32))
		MATRIX_ERROR(ERRCODE_INVALID_BINARY_REPRESENTATION,
					 "The binary value has %d cohorts, which do not fit in its %d bytes.",
					 ncohorts, buf->len);
	starts = palloc(sizeof(int32) * ncohorts);
	for (int32 i = 0; i < ncohorts; i++)
		starts[i] = pq_getmsgint(buf, 4);
	check_header(version, unit, flags, scale, ncohorts, starts, last,
				 ERRCODE_INVALID_BINARY_REPRESENTATION);
	/* the cells must be there before the matrix is allocated for them */
	ncells = cohort_matrix_ncells(ncohorts, starts, last) * cohort_matrix_blocks(flags);
	if ((uint64) (buf->len - buf->cursor) / sizeof(int64) != ncells ||
		(buf->len - buf->cursor) % sizeof(int64) != 0)
		MATRIX_ERROR(ERRCODE_INVALID_BINARY_REPRESENTATION,
					 "The binary value has %d bytes of cells; its cohorts need " UINT64_FORMAT ".",
					 buf->len - buf->cursor, (uint64) ncells * sizeof(int64));
	matrix = cohort_matrix_alloc(unit, flags, scale, ncohorts, starts, last);
	cells = cohort_matrix_cells(matrix);
	Assert((VARSIZE(matrix) - cohort_matrix_cells_offset(ncohorts)) / sizeof(int64) == ncells);
	for (uint64 i = 0; i < ncells; i++)
		cells[i] = pq_getmsgint64(buf);
	check_cells(matrix, ERRCODE_INVALID_BINARY_REPRESENTATION);
	PG_RETURN_POINTER(matrix);
}

/* The mode argument: false for 'classic', true for 'rolling'. */
static bool
getarg_rolling(FunctionCallInfo fcinfo, int argno)
{
	text	   *mode;

	if (PG_NARGS() <= argno)
		return false;
	mode = PG_GETARG_TEXT_PP(argno);
	if (VARSIZE_ANY_EXHDR(mode) == 7 && memcmp(VARDATA_ANY(mode), "classic", 7) == 0)
		return false;
	if (VARSIZE_ANY_EXHDR(mode) == 7 && memcmp(VARDATA_ANY(mode), "rolling", 7) == 0)
		return true;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("mode must be 'classic' or 'rolling'"),
			 errdetail("mode is '%s'.", text_to_cstring(mode))));
	return false;				/* keep compiler quiet */
}

/* Where cohort_table is between calls. */
typedef struct CohortTableState
{
	CohortMatrix *matrix;
	bool		rolling;
	int32		cohort;			/* index of the current cohort */
	int32		offset;			/* next offset within it */
	int64	   *cells;			/* the current cohort's cells */
} CohortTableState;

/*
 * cohort_table(cohort_matrix [, mode text]) returns setof (cohort date,
 * period_offset integer, cohort_size bigint, active bigint, retention
 * float8, revenue numeric)
 *
 * One row per cohort and offset 0 .. last - start, in cohort then offset
 * order. active counts the cohort's customers active in period start +
 * offset ('classic') or in that period or later ('rolling'); retention =
 * active / cohort_size; revenue is the cohort's revenue in that period (not
 * cumulative, in both modes), NULL for a matrix without revenue.
 */
PG_FUNCTION_INFO_V1(cohort_table);
Datum
cohort_table(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	CohortTableState *st;
	CohortMatrix *matrix;
	int32		len;
	Datum		values[6];
	bool		nulls[6] = {false, false, false, false, false, false};
	int64		count;

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext oldcontext;

		funcctx = SRF_FIRSTCALL_INIT();
		oldcontext = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		funcctx->tuple_desc = composite_result_desc(fcinfo);
		st = palloc(sizeof(CohortTableState));
		st->rolling = getarg_rolling(fcinfo, 1);
		st->matrix = getarg_matrix(fcinfo, 0);
		st->cohort = 0;
		st->offset = 0;
		st->cells = cohort_matrix_cells(st->matrix);
		funcctx->user_fctx = st;
		MemoryContextSwitchTo(oldcontext);
	}
	funcctx = SRF_PERCALL_SETUP();
	st = (CohortTableState *) funcctx->user_fctx;
	matrix = st->matrix;

	if (st->cohort >= matrix->ncohorts)
		SRF_RETURN_DONE(funcctx);
	len = cohort_matrix_len(matrix, matrix->starts[st->cohort]);
	count = st->cells[(st->rolling ? len : 0) + st->offset];
	values[0] = DateADTGetDatum(time_unit_period_start(matrix->unit, matrix->starts[st->cohort]));
	values[1] = Int32GetDatum(st->offset);
	values[2] = Int64GetDatum(st->cells[0]);
	values[3] = Int64GetDatum(count);
	values[4] = Float8GetDatum((double) count / (double) st->cells[0]);
	if (matrix->flags & COHORT_MATRIX_HAS_REVENUE)
		values[5] = NumericGetDatum(scaled_to_numeric(st->cells[2 * len + st->offset],
														   matrix->revenue_scale));
	else
		nulls[5] = true;

	if (++st->offset == len)
	{
		st->cells += (Size) cohort_matrix_blocks(matrix->flags) * len;
		st->cohort++;
		st->offset = 0;
	}
	SRF_RETURN_NEXT(funcctx, HeapTupleGetDatum(heap_form_tuple(funcctx->tuple_desc,
																values, nulls)));
}

/*
 * retention_curve(cohort_matrix [, mode text]) returns float8[]
 *
 * Element k + 1 is the retention at offset k pooled over the cohorts that
 * have reached offset k (start + k <= last): sum of active / sum of cohort
 * sizes over those cohorts, so large cohorts weigh more and young cohorts
 * do not pull the late offsets down with offsets they have not lived
 * through. The first element is 1.
 */
PG_FUNCTION_INFO_V1(retention_curve);
Datum
retention_curve(PG_FUNCTION_ARGS)
{
	CohortMatrix *matrix = getarg_matrix(fcinfo, 0);
	bool		rolling = getarg_rolling(fcinfo, 1);
	int32		width = cohort_matrix_len(matrix, matrix->starts[0]);
	int64	   *active = palloc0(sizeof(int64) * width);
	int64	   *sizes = palloc0(sizeof(int64) * width);
	Datum	   *curve = palloc(sizeof(Datum) * width);
	int64	   *cells = cohort_matrix_cells(matrix);

	for (int32 i = 0; i < matrix->ncohorts; i++)
	{
		int32		len = cohort_matrix_len(matrix, matrix->starts[i]);

		CHECK_FOR_INTERRUPTS();
		for (int32 k = 0; k < len; k++)
			if (pg_add_s64_overflow(active[k], cells[(rolling ? len : 0) + k], &active[k]) ||
				pg_add_s64_overflow(sizes[k], cells[0], &sizes[k]))
				ereport(ERROR,
						(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
						 errmsg("bigint out of range"),
						 errdetail("The pooled counts at offset %d overflow.", k)));
		cells += (Size) cohort_matrix_blocks(matrix->flags) * len;
	}
	for (int32 k = 0; k < width; k++)
		curve[k] = Float8GetDatum((double) active[k] / (double) sizes[k]);
	PG_RETURN_ARRAYTYPE_P(construct_array(curve, width, FLOAT8OID, sizeof(float8),
										  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}
