/*-------------------------------------------------------------------------
 *
 * km_curve.c
 *	  The km_curve type (text and binary I/O, consistency checks) and its
 *	  readers km_table, km_survival and km_median.
 *
 * The text form is a JSON array of [time, events, censored] triples, times
 * increasing: [[1, 2, 0], [2.5, 0, 1]]. Times print in the shortest form
 * that reads back to the same float8, so text round-trips exactly.
 *
 * The estimates are those of R's survival package (survfit with
 * conf.type = "log-log", Therneau 2023): with n_i subjects at risk and
 * d_i events at the distinct time t_i,
 *	  S(t) = prod_{t_i <= t} (1 - d_i / n_i)			 (Kaplan & Meier 1958)
 *	  Var log S(t) = sum_{t_i <= t} d_i / (n_i (n_i - d_i))	   (Greenwood 1926)
 * std_error = S(t) sqrt(Var log S(t)) (what summary.survfit prints), and
 * the 95% interval exp(-exp(log(-log S) -/+ z se / log S)) with
 * se = sqrt(Var log S(t)), z = qnorm(0.975).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "common/int.h"
#include "common/shortest_dec.h"
#include "fmgr.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "base/checks.h"
#include "base/codec.h"
#include "base/composite.h"
#include "metrics/survival.h"
#include "retention.h"

/* qnorm(0.975), the 95% two-sided normal quantile, as R computes it */
#define KM_Z95			1.959963984540054

/* R's tolerance for the median: sqrt(.Machine$double.eps) */
#define KM_QUANTILE_TOL 1.4901161193847656e-08

/* Size of a curve of n times; error 54000 past the 1 GB value limit. */
static Size
km_curve_size(int64 ntimes)
{
	uint64		size = offsetof(KmCurve, times) +
		(uint64) ntimes * (sizeof(double) + 2 * sizeof(int64));

	if (size > MaxAllocSize)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("survival curve is too large"),
				 errdetail("The curve has " INT64_FORMAT " distinct times, more than a value can hold.",
						   ntimes)));
	return (Size) size;
}

/* A zeroed curve of ntimes (>= 1) times. */
KmCurve *
km_curve_alloc(int32 ntimes)
{
	Size		size = km_curve_size(ntimes);
	KmCurve    *curve = palloc0(size);

	SET_VARSIZE(curve, size);
	curve->version = KM_CURVE_VERSION;
	curve->ntimes = ntimes;
	return curve;
}

#define CURVE_ERROR(sqlstate, ...) \
	ereport(ERROR, \
			(errcode(sqlstate), \
			 errmsg("invalid km_curve value"), \
			 errdetail(__VA_ARGS__)))

/*
 * Check a whole curve of `size` bytes: version, exact size, at least one
 * time, times finite, >= 0 and strictly increasing, counts >= 0 and not
 * both 0 at a time, and the number of subjects within bigint. sqlstate is
 * 22P02 for text input, 22P03 for binary input, XX001 for a stored value.
 */
void
km_curve_check(const KmCurve *curve, Size size, int sqlstate)
{
	const int64 *events;
	const int64 *censored;
	int64		total = 0;

	if (size < offsetof(KmCurve, times))
		CURVE_ERROR(sqlstate, "The value has %zu bytes, fewer than a header.", size);
	if (curve->version != KM_CURVE_VERSION)
		CURVE_ERROR(sqlstate, "The format version is %d; this build reads version %d.",
					curve->version, KM_CURVE_VERSION);
	if (curve->ntimes < 1 ||
		(Size) curve->ntimes > (size - offsetof(KmCurve, times)) / (sizeof(double) + 2 * sizeof(int64)) ||
		km_curve_size(curve->ntimes) != size)
		CURVE_ERROR(sqlstate, "The value has %d times, which do not fill its %zu bytes.",
					curve->ntimes, size);
	events = km_curve_events(curve);
	censored = km_curve_censored(curve);
	for (int32 i = 0; i < curve->ntimes; i++)
	{
		double		t = curve->times[i];

		if (isnan(t) || isinf(t) || t < 0 || (i > 0 && t <= curve->times[i - 1]))
			CURVE_ERROR(sqlstate, "Time %d is %s; times must be finite, at least 0 and increasing.",
						i + 1, float8out_internal(t));
		if (events[i] < 0 || censored[i] < 0 || (events[i] == 0 && censored[i] == 0))
			CURVE_ERROR(sqlstate, "Time %d has " INT64_FORMAT " events and " INT64_FORMAT " censored; counts must be at least 0 and not both 0.",
						i + 1, events[i], censored[i]);
		if (pg_add_s64_overflow(total, events[i], &total) ||
			pg_add_s64_overflow(total, censored[i], &total))
			CURVE_ERROR(sqlstate, "The number of subjects overflows bigint.");
	}
}

/* A curve argument, detoasted and checked (a corrupt stored value errors). */
static KmCurve *
getarg_curve(FunctionCallInfo fcinfo, int argno)
{
	KmCurve    *curve = PG_GETARG_KM_CURVE_P(argno);

	km_curve_check(curve, VARSIZE(curve), ERRCODE_DATA_CORRUPTED);
	return curve;
}

/* The subjects of a checked curve: at risk at its first time. */
static int64
km_curve_subjects(const KmCurve *curve)
{
	int64		total = 0;

	for (int32 i = 0; i < curve->ntimes; i++)
		total += km_curve_events(curve)[i] + km_curve_censored(curve)[i];
	return total;
}

/*
 * km_curve_out(km_curve) returns cstring
 *
 * The JSON text form of the header comment.
 */
PG_FUNCTION_INFO_V1(km_curve_out);
Datum
km_curve_out(PG_FUNCTION_ARGS)
{
	KmCurve    *curve = getarg_curve(fcinfo, 0);
	StringInfoData out;
	char		buf[DOUBLE_SHORTEST_DECIMAL_LEN];

	initStringInfo(&out);
	appendStringInfoChar(&out, '[');
	for (int32 i = 0; i < curve->ntimes; i++)
	{
		double_to_shortest_decimal_buf(curve->times[i], buf);
		appendStringInfo(&out, "%s[%s, " INT64_FORMAT ", " INT64_FORMAT "]",
						 i ? ", " : "", buf, km_curve_events(curve)[i],
						 km_curve_censored(curve)[i]);
	}
	appendStringInfoChar(&out, ']');
	PG_RETURN_CSTRING(out.data);
}

#define SYNTAX_ERROR(...) \
	ereport(ERROR, \
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION), \
			 errmsg("invalid input syntax for type km_curve"), \
			 errdetail(__VA_ARGS__), \
			 errhint("A km_curve reads as a JSON array of [time, events, censored] triples, such as [[1, 2, 0], [2.5, 0, 1]].")))

/* Past the JSON white space at p. */
static const char *
skip_space(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

/* Expect the character c after optional space; return what follows. */
static const char *
expect_char(const char *p, char c, int32 triple)
{
	p = skip_space(p);
	if (*p != c)
		SYNTAX_ERROR("Triple %d: expected \"%c\" but found \"%.10s\".", triple, c, p);
	return p + 1;
}

/* A JSON number as a float8 time; what follows it in *end. */
static double
parse_time(const char *p, const char **end, int32 triple)
{
	char	   *stop;
	double		value;

	p = skip_space(p);
	/* strtod also reads "nan", "inf" and hexadecimal: JSON has none */
	if (!(*p == '-' || (*p >= '0' && *p <= '9')) || strpbrk(p, "xX") == p + 1 + (*p == '-'))
		SYNTAX_ERROR("Triple %d: the time \"%.20s\" is not a number.", triple, p);
	errno = 0;
	value = strtod(p, &stop);
	if (stop == p || (errno == ERANGE && (value == 0 || isinf(value))))
		SYNTAX_ERROR("Triple %d: the time \"%.20s\" is not a float8 number.", triple, p);
	*end = stop;
	return value;
}

/* A JSON whole number as a count; what follows it in *end. */
static int64
parse_count(const char *p, const char **end, int32 triple)
{
	char	   *stop;
	int64		value;

	p = skip_space(p);
	if (!(*p == '-' || (*p >= '0' && *p <= '9')))
		SYNTAX_ERROR("Triple %d: the count \"%.20s\" is not a whole number.", triple, p);
	errno = 0;
	value = strtoi64(p, &stop, 10);
	if (stop == p || errno == ERANGE || *stop == '.' || *stop == 'e' || *stop == 'E')
		SYNTAX_ERROR("Triple %d: the count \"%.20s\" is not a whole number within bigint.", triple, p);
	*end = stop;
	return value;
}

/*
 * km_curve_in(cstring) returns km_curve
 *
 * Reads the JSON text form; malformed text, an empty array and a curve
 * that km_curve_check refuses are errors 22P02.
 */
PG_FUNCTION_INFO_V1(km_curve_in);
Datum
km_curve_in(PG_FUNCTION_ARGS)
{
	const char *str = PG_GETARG_CSTRING(0);
	const char *p;
	int32		n = 0;
	int32		cap = 16;
	double	   *times = palloc(sizeof(double) * cap);
	int64	   *events = palloc(sizeof(int64) * cap);
	int64	   *censored = palloc(sizeof(int64) * cap);
	KmCurve    *curve;

	p = expect_char(str, '[', 0);
	if (*skip_space(p) == ']')
		SYNTAX_ERROR("The curve must have at least one time.");
	for (;;)
	{
		CHECK_FOR_INTERRUPTS();
		if (n == cap)
		{
			if (cap > PG_INT32_MAX / 2)
				SYNTAX_ERROR("The curve has too many times.");
			cap *= 2;
			times = repalloc_huge(times, sizeof(double) * (Size) cap);
			events = repalloc_huge(events, sizeof(int64) * (Size) cap);
			censored = repalloc_huge(censored, sizeof(int64) * (Size) cap);
		}
		p = expect_char(p, '[', n + 1);
		times[n] = parse_time(p, &p, n + 1);
		p = expect_char(p, ',', n + 1);
		events[n] = parse_count(p, &p, n + 1);
		p = expect_char(p, ',', n + 1);
		censored[n] = parse_count(p, &p, n + 1);
		p = expect_char(p, ']', n + 1);
		n++;
		p = skip_space(p);
		if (*p == ']')
			break;
		p = expect_char(p, ',', n);
	}
	if (*skip_space(p + 1) != '\0')
		SYNTAX_ERROR("Text follows the closing \"]\": \"%.20s\".", skip_space(p + 1));
	curve = km_curve_alloc(n);
	memcpy(curve->times, times, sizeof(double) * n);
	memcpy(km_curve_events(curve), events, sizeof(int64) * n);
	memcpy(km_curve_censored(curve), censored, sizeof(int64) * n);
	km_curve_check(curve, VARSIZE(curve), ERRCODE_INVALID_TEXT_REPRESENTATION);
	PG_RETURN_POINTER(curve);
}

/*
 * km_curve_send(km_curve) returns bytea
 *
 * Binary form, network byte order: the version (1 byte), the number of
 * times (int32), then per time the time (float8), events and censored
 * (int64).
 */
PG_FUNCTION_INFO_V1(km_curve_send);
Datum
km_curve_send(PG_FUNCTION_ARGS)
{
	KmCurve    *curve = getarg_curve(fcinfo, 0);
	const int64 *events = km_curve_events(curve);
	const int64 *censored = km_curve_censored(curve);
	StringInfoData buf;

	codec_begin_write(&buf, (uint8) curve->version);
	pq_sendint32(&buf, curve->ntimes);
	for (int32 i = 0; i < curve->ntimes; i++)
	{
		pq_sendfloat8(&buf, curve->times[i]);
		pq_sendint64(&buf, events[i]);
		pq_sendint64(&buf, censored[i]);
	}
	PG_RETURN_BYTEA_P(codec_end_write(&buf));
}

/*
 * km_curve_recv(internal) returns km_curve
 *
 * Reads km_curve_send's form: the length must match the number of times
 * exactly, and the curve must pass km_curve_check; errors are 22P03.
 */
PG_FUNCTION_INFO_V1(km_curve_recv);
Datum
km_curve_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	KmCurve    *curve;
	int			version;
	int32		n;

	if (buf->len - buf->cursor < 5)
		CURVE_ERROR(ERRCODE_INVALID_BINARY_REPRESENTATION,
					"The binary value has %d bytes, fewer than a header.", buf->len - buf->cursor);
	version = pq_getmsgbyte(buf);
	n = pq_getmsgint(buf, 4);
	if (version != KM_CURVE_VERSION)
		CURVE_ERROR(ERRCODE_INVALID_BINARY_REPRESENTATION,
					"The format version is %d; this build reads version %d.",
					version, KM_CURVE_VERSION);
	if (n < 1 || (Size) n != (Size) (buf->len - buf->cursor) / 24 ||
		(buf->len - buf->cursor) % 24 != 0)
		CURVE_ERROR(ERRCODE_INVALID_BINARY_REPRESENTATION,
					"The binary value has %d times but %d bytes of them.",
					n, buf->len - buf->cursor);
	curve = km_curve_alloc(n);
	for (int32 i = 0; i < n; i++)
	{
		curve->times[i] = pq_getmsgfloat8(buf);
		km_curve_events(curve)[i] = pq_getmsgint64(buf);
		km_curve_censored(curve)[i] = pq_getmsgint64(buf);
	}
	km_curve_check(curve, VARSIZE(curve), ERRCODE_INVALID_BINARY_REPRESENTATION);
	PG_RETURN_POINTER(curve);
}

/* The estimates at one time of a curve, walking it in order. */
typedef struct KmStep
{
	int64		at_risk;		/* before this time */
	double		survival;		/* S(t) */
	double		greenwood;		/* Var log S(t); Inf once S(t) = 0 */
} KmStep;

/*
 * Advance a walk to time i: at_risk is the subjects at risk at t_i (those
 * whose time is >= t_i), survival and greenwood include t_i's events.
 * Start with at_risk = all subjects, survival 1, greenwood 0.
 */
static void
km_step(const KmCurve *curve, int32 i, KmStep *step)
{
	int64		d = km_curve_events(curve)[i];
	int64		n = step->at_risk;

	if (d > 0)
	{
		step->survival *= (double) (n - d) / (double) n;
		if (n > d)
			step->greenwood += (double) d / ((double) n * (double) (n - d));
		else
			step->greenwood = INFINITY;
	}
}

/* Where km_table is between calls. */
typedef struct KmTableState
{
	KmCurve    *curve;
	int32		next;
	KmStep		step;
} KmTableState;

/*
 * km_table(km_curve) returns setof (time float8, at_risk bigint, events
 * bigint, censored bigint, survival float8, std_error float8, lower_95
 * float8, upper_95 float8)
 *
 * One row per distinct time, in order, as R's survfit object holds them
 * (censor-only times included). std_error and the interval are NULL where
 * R has NaN or NA: the interval when S(t) is 1 or 0, std_error when S(t)
 * is 0.
 */
PG_FUNCTION_INFO_V1(km_table);
Datum
km_table(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	KmTableState *st;
	KmCurve    *curve;
	int32		i;
	Datum		values[8];
	bool		nulls[8] = {false, false, false, false, false, false, false, false};
	double		s;

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext oldcontext;

		funcctx = SRF_FIRSTCALL_INIT();
		oldcontext = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		funcctx->tuple_desc = composite_result_desc(fcinfo);
		st = palloc(sizeof(KmTableState));
		st->curve = getarg_curve(fcinfo, 0);
		st->next = 0;
		st->step.at_risk = km_curve_subjects(st->curve);
		st->step.survival = 1.0;
		st->step.greenwood = 0.0;
		funcctx->user_fctx = st;
		MemoryContextSwitchTo(oldcontext);
	}
	funcctx = SRF_PERCALL_SETUP();
	st = (KmTableState *) funcctx->user_fctx;
	curve = st->curve;
	if (st->next >= curve->ntimes)
		SRF_RETURN_DONE(funcctx);
	i = st->next++;
	values[1] = Int64GetDatum(st->step.at_risk);
	km_step(curve, i, &st->step);
	s = st->step.survival;
	values[0] = Float8GetDatum(curve->times[i]);
	values[2] = Int64GetDatum(km_curve_events(curve)[i]);
	values[3] = Int64GetDatum(km_curve_censored(curve)[i]);
	values[4] = Float8GetDatum(s);
	if (s > 0)
		values[5] = Float8GetDatum(s * sqrt(st->step.greenwood));
	else
		nulls[5] = true;
	if (s > 0 && s < 1)
	{
		double		se2 = KM_Z95 * sqrt(st->step.greenwood) / log(s);
		double		loglog = log(-log(s));

		values[6] = Float8GetDatum(exp(-exp(loglog - se2)));
		values[7] = Float8GetDatum(exp(-exp(loglog + se2)));
	}
	else
		nulls[6] = nulls[7] = true;
	st->step.at_risk -= km_curve_events(curve)[i] + km_curve_censored(curve)[i];
	SRF_RETURN_NEXT(funcctx, HeapTupleGetDatum(heap_form_tuple(funcctx->tuple_desc,
																values, nulls)));
}

/*
 * km_survival(km_curve, t float8) returns float8
 *
 * S(t), right-continuous: the product over the times <= t, so 1 before the
 * first event, and the last value beyond the last time. t must be a
 * number (22023 for NaN); -Infinity gives 1 and Infinity the last value.
 */
PG_FUNCTION_INFO_V1(km_survival);
Datum
km_survival(PG_FUNCTION_ARGS)
{
	KmCurve    *curve = getarg_curve(fcinfo, 0);
	double		t = PG_GETARG_FLOAT8(1);
	KmStep		step = {km_curve_subjects(curve), 1.0, 0.0};

	if (isnan(t))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("t must be a number"),
				 errdetail("t is NaN.")));
	for (int32 i = 0; i < curve->ntimes && curve->times[i] <= t; i++)
	{
		km_step(curve, i, &step);
		step.at_risk -= km_curve_events(curve)[i] + km_curve_censored(curve)[i];
	}
	PG_RETURN_FLOAT8(step.survival);
}

/*
 * km_median(km_curve) returns float8
 *
 * The median survival time as R's survival package prints it (minmin in
 * survmean, the "median" of print.survfit and summary(fit)$table): the
 * first time where S(t) < 0.5 + sqrt(DBL_EPSILON); when S there equals 0.5
 * within that tolerance (a flat stretch at exactly one half), the midpoint
 * of that time and the next time S drops, or that time itself when S never
 * drops again. NULL when S never reaches 0.5.
 */
PG_FUNCTION_INFO_V1(km_median);
Datum
km_median(PG_FUNCTION_ARGS)
{
	KmCurve    *curve = getarg_curve(fcinfo, 0);
	KmStep		step = {km_curve_subjects(curve), 1.0, 0.0};
	int32		first = -1;
	double		first_survival = 0.0;

	for (int32 i = 0; i < curve->ntimes; i++)
	{
		km_step(curve, i, &step);
		step.at_risk -= km_curve_events(curve)[i] + km_curve_censored(curve)[i];
		if (first < 0)
		{
			if (step.survival < 0.5 + KM_QUANTILE_TOL)
			{
				if (fabs(step.survival - 0.5) >= KM_QUANTILE_TOL)
					PG_RETURN_FLOAT8(curve->times[i]);
				first = i;
				first_survival = step.survival;
			}
		}
		else if (step.survival < first_survival)
			PG_RETURN_FLOAT8((curve->times[first] + curve->times[i]) / 2.0);
	}
	if (first < 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(curve->times[first]);
}
