/*-------------------------------------------------------------------------
 *
 * revenue_matrix.c
 *	  The revenue_matrix type: building it from the revenue_retention
 *	  aggregate's customers, its consistency checks, and its text and
 *	  binary I/O.
 *
 * The text form lists the unit, then each customer (by increasing id) with
 * its periods (named by the date they start on, increasing) and revenue:
 *	  unit=month; 1: 2025-01-01 10.00, 2025-02-01 12.50; 7: 2025-02-01 -3.00
 * Every amount is printed with the matrix's scale (the largest number of
 * decimals among the amounts aggregated), so the text reads back to the
 * same value. Every value that reaches a reader has passed
 * revenue_matrix_check: a corrupt one is an error, never a crash.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/datetime.h"

#include "base/codec.h"
#include "base/scaled.h"
#include "base/time_unit.h"
#include "metrics/revenue_matrix.h"
#include "retention.h"

#define MATRIX_ERROR(sqlstate, ...) \
	ereport(ERROR, \
			(errcode(sqlstate), \
			 errmsg("invalid revenue_matrix value"), \
			 errdetail(__VA_ARGS__)))

/* Bytes of a matrix with these counts (both within REVENUE_MAX_CELLS). */
static Size
matrix_size(int32 ncustomers, int32 ncells)
{
	return sizeof(RevenueMatrix) + (Size) ncustomers * (sizeof(int64) + sizeof(int32)) +
		(Size) ncells * (sizeof(int64) + sizeof(int32));
}

/*
 * A zeroed matrix with the version, unit, scale, flags and counts of
 * header (counts within REVENUE_MAX_CELLS), its arrays to be filled.
 */
static RevenueMatrix *
matrix_alloc(const RevenueMatrix *header)
{
	Size		size = matrix_size(header->ncustomers, header->ncells);
	RevenueMatrix *m = palloc0(size);

	SET_VARSIZE(m, size);
	m->version = header->version;
	m->unit = header->unit;
	m->scale = header->scale;
	m->flags = header->flags;
	m->ncustomers = header->ncustomers;
	m->ncells = header->ncells;
	return m;
}

/*
 * Refuse (54000) a matrix of more than REVENUE_MAX_CELLS cells, before
 * anything is allocated for it.
 */
void
revenue_matrix_check_limit(TimeUnit unit, uint64 ncustomers, uint64 ncells)
{
	if (ncells > REVENUE_MAX_CELLS || ncustomers > ncells)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("revenue matrix would have too many cells"),
				 errdetail(UINT64_FORMAT " customers by '%s' need " UINT64_FORMAT " customer-period cells; the limit is %d, which keeps the matrix under the 1 GB limit of a value.",
						   ncustomers, time_unit_name(unit), ncells, REVENUE_MAX_CELLS),
				 errhint("Use a longer period, such as 'month' instead of 'day', or aggregate fewer customers per group.")));
}

static int
customer_cmp(const void *a, const void *b)
{
	int64		x = ((const RevenueCustomer *) a)->id;
	int64		y = ((const RevenueCustomer *) b)->id;

	return x < y ? -1 : x > y;
}

/*
 * A matrix of these customers (distinct ids, each with at least one cell
 * and strictly increasing periods), in increasing id order; the caller has
 * passed revenue_matrix_check_limit.
 */
RevenueMatrix *
revenue_matrix_build(TimeUnit unit, int scale, int32 ncustomers, RevenueCustomer *customers)
{
	int64		ncells = 0;
	RevenueMatrix header = {0};
	RevenueMatrix *m;
	RevenueArrays a;
	int32		c = 0;

	for (int32 i = 0; i < ncustomers; i++)
		ncells += customers[i].n;
	revenue_matrix_check_limit(unit, ncustomers, ncells);
	qsort(customers, ncustomers, sizeof(RevenueCustomer), customer_cmp);
	header.version = REVENUE_MATRIX_VERSION;
	header.unit = (uint8) unit;
	header.scale = (uint8) scale;
	header.ncustomers = ncustomers;
	header.ncells = (int32) ncells;
	m = matrix_alloc(&header);
	a = revenue_matrix_arrays(m);
	for (int32 i = 0; i < ncustomers; i++)
	{
		CHECK_FOR_INTERRUPTS();
		a.ids[i] = customers[i].id;
		memcpy(a.periods + c, customers[i].periods, sizeof(int32) * customers[i].n);
		memcpy(a.amounts + c, customers[i].amounts, sizeof(int64) * customers[i].n);
		c += customers[i].n;
		a.ends[i] = c;
	}
	return m;
}

/*
 * Check a whole matrix of `size` bytes: a known version, unit and flags, a
 * scale of 0 to 18, at least one customer, counts within the limit and the
 * exact size, ids strictly increasing, each customer with at least one
 * cell, periods strictly increasing within a customer and inside the
 * supported years. sqlstate is 22P02 for text input, 22P03 for binary
 * input and XX001 for a stored value found corrupt.
 */
static void
matrix_check(RevenueMatrix *m, Size size, int sqlstate)
{
	RevenueArrays a;
	int32		first_period;
	int32		last_period;

	if (size < sizeof(RevenueMatrix))
		MATRIX_ERROR(sqlstate, "The value has %zu bytes, fewer than a header.", size);
	if (m->version != REVENUE_MATRIX_VERSION)
		MATRIX_ERROR(sqlstate, "The format version is %d; this build reads version %d.",
					 m->version, REVENUE_MATRIX_VERSION);
	if (m->unit < TIME_UNIT_DAY || m->unit > TIME_UNIT_MAX)
		MATRIX_ERROR(sqlstate, "The period unit %d is unknown.", m->unit);
	if (m->flags != 0)
		MATRIX_ERROR(sqlstate, "The flags %d are unknown.", m->flags);
	if (m->scale > REVENUE_MAX_SCALE)
		MATRIX_ERROR(sqlstate, "The scale %d is out of range.", m->scale);
	if (m->ncustomers < 1 || m->ncells < m->ncustomers || m->ncells > REVENUE_MAX_CELLS)
		MATRIX_ERROR(sqlstate, "The matrix has %d customers and %d cells; it needs 1 to %d cells and no more customers than cells.",
					 m->ncustomers, m->ncells, REVENUE_MAX_CELLS);
	if (matrix_size(m->ncustomers, m->ncells) != size)
		MATRIX_ERROR(sqlstate, "The value has %zu bytes but its counts need %zu.",
					 size, matrix_size(m->ncustomers, m->ncells));
	a = revenue_matrix_arrays(m);
	first_period = time_unit_first_period(m->unit);
	last_period = time_unit_last_period(m->unit);
	for (int32 i = 0; i < m->ncustomers; i++)
	{
		int32		from = i ? a.ends[i - 1] : 0;

		CHECK_FOR_INTERRUPTS();
		if (i > 0 && a.ids[i] <= a.ids[i - 1])
			MATRIX_ERROR(sqlstate, "Customer " INT64_FORMAT " does not come after customer " INT64_FORMAT ".",
						 a.ids[i], a.ids[i - 1]);
		if (a.ends[i] <= from || a.ends[i] > m->ncells ||
			(i == m->ncustomers - 1 && a.ends[i] != m->ncells))
			MATRIX_ERROR(sqlstate, "Customer " INT64_FORMAT " has an invalid cell range.", a.ids[i]);
		for (int32 k = from; k < a.ends[i]; k++)
			if (a.periods[k] < first_period || a.periods[k] > last_period ||
				(k > from && a.periods[k] <= a.periods[k - 1]))
				MATRIX_ERROR(sqlstate, "Customer " INT64_FORMAT " has periods that are unsorted or outside the years %d to %d.",
							 a.ids[i], TIME_UNIT_MIN_YEAR, TIME_UNIT_MAX_YEAR);
	}
}

/* A matrix argument, detoasted and checked (a corrupt stored value errors). */
RevenueMatrix *
revenue_matrix_getarg(FunctionCallInfo fcinfo, int argno)
{
	RevenueMatrix *m = DatumGetRevenueMatrixP(PG_GETARG_DATUM(argno));

	matrix_check(m, VARSIZE(m), ERRCODE_DATA_CORRUPTED);
	return m;
}

/*
 * revenue_matrix_out(revenue_matrix) returns cstring
 *
 * The text form of the header comment.
 */
PG_FUNCTION_INFO_V1(revenue_matrix_out);
Datum
revenue_matrix_out(PG_FUNCTION_ARGS)
{
	RevenueMatrix *m = revenue_matrix_getarg(fcinfo, 0);
	RevenueArrays a = revenue_matrix_arrays(m);
	int32		k = 0;
	StringInfoData out;

	initStringInfo(&out);
	appendStringInfo(&out, "unit=%s", time_unit_name(m->unit));
	for (int32 i = 0; i < m->ncustomers; i++)
	{
		CHECK_FOR_INTERRUPTS();
		appendStringInfo(&out, "; " INT64_FORMAT ":", a.ids[i]);
		for (; k < a.ends[i]; k++)
		{
			int			year;
			int			month;
			int			day;

			j2date(time_unit_period_start(m->unit, a.periods[k]) + POSTGRES_EPOCH_JDATE,
				   &year, &month, &day);
			appendStringInfo(&out, "%s %04d-%02d-%02d ",
							 k > (i ? a.ends[i - 1] : 0) ? "," : "", year, month, day);
			scaled_append_decimal(&out, a.amounts[k], m->scale);
		}
	}
	PG_RETURN_CSTRING(out.data);
}

#define SYNTAX_ERROR(...) MATRIX_ERROR(ERRCODE_INVALID_TEXT_REPRESENTATION, __VA_ARGS__)

/* Skip spaces; then the next character must be c (if c is not 0). */
static void
expect_char(const char **p, char c)
{
	while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
		(*p)++;
	if (c == '\0')
		return;
	if (**p != c)
		SYNTAX_ERROR("Expected \"%c\" at \"%.20s\".", c, *p);
	(*p)++;
}

/* The next token (letters, digits, '-', '.', '+'), copied; error if empty. */
static char *
read_token(const char **p, const char *what)
{
	const char *start;

	expect_char(p, '\0');
	start = *p;
	while ((**p >= '0' && **p <= '9') || (**p >= 'a' && **p <= 'z') ||
		   (**p >= 'A' && **p <= 'Z') || **p == '-' || **p == '.' || **p == '+')
		(*p)++;
	if (*p == start)
		SYNTAX_ERROR("Expected %s at \"%.20s\".", what, start);
	return pnstrdup(start, *p - start);
}

/* A period from its text "YYYY-MM-DD" (time_unit_parse_start). */
static int32
parse_period(const char *text, TimeUnit unit)
{
	int32		period;
	char	   *problem = time_unit_parse_start(text, unit, &period);

	if (problem != NULL)
		SYNTAX_ERROR("%s", problem);
	return period;
}

/*
 * revenue_matrix_in(cstring) returns revenue_matrix
 *
 * Reads the text form: any syntax error, an unknown unit, a date that does
 * not start a period, ids or periods out of order, an amount that is not a
 * plain decimal of at most 18 decimals fitting in bigint units, or more
 * than REVENUE_MAX_CELLS cells is an error 22P02 (the limit: 54000). The
 * scale is the largest number of decimals among the amounts.
 */
PG_FUNCTION_INFO_V1(revenue_matrix_in);
Datum
revenue_matrix_in(PG_FUNCTION_ARGS)
{
	const char *p = PG_GETARG_CSTRING(0);
	char	   *unit_text;
	TimeUnit	unit;
	int32		cap = 16;
	int32		ncells = 0;
	int32		ncustomers = 0;
	int32		ccap = 16;
	int32	   *periods = palloc(sizeof(int32) * cap);
	int64	   *amounts = palloc(sizeof(int64) * cap);
	int		   *scales = palloc(sizeof(int) * cap);
	int64	   *ids = palloc(sizeof(int64) * ccap);
	int32	   *ends = palloc(sizeof(int32) * ccap);
	RevenueCustomer *customers;
	int			scale = 0;

	expect_char(&p, '\0');
	if (strncmp(p, "unit=", 5) != 0)
		SYNTAX_ERROR("The value must start with \"unit=\".");
	p += 5;
	unit_text = read_token(&p, "a unit");
	unit = time_unit_lookup(unit_text, strlen(unit_text));
	if (unit == 0)
		SYNTAX_ERROR("The unit is \"%s\"; it must be day, week, month, quarter or year.", unit_text);
	expect_char(&p, '\0');
	while (*p == ';')
	{
		char	   *id_text;

		CHECK_FOR_INTERRUPTS();
		p++;
		id_text = read_token(&p, "a customer id");
		if (ncustomers == ccap)
		{
			ccap *= 2;
			ids = repalloc_huge(ids, sizeof(int64) * ccap);
			ends = repalloc_huge(ends, sizeof(int32) * ccap);
		}
		ids[ncustomers] = DatumGetInt64(DirectFunctionCall1(int8in, CStringGetDatum(id_text)));
		if (ncustomers > 0 && ids[ncustomers] <= ids[ncustomers - 1])
			SYNTAX_ERROR("Customer %s does not come after customer " INT64_FORMAT ".",
						 id_text, ids[ncustomers - 1]);
		expect_char(&p, ':');
		for (;;)
		{
			char	   *amount_text;

			if (ncells == cap)
			{
				revenue_matrix_check_limit(unit, ncustomers, (uint64) ncells + 1);
				cap = Min((int64) cap * 2, REVENUE_MAX_CELLS);
				periods = repalloc_huge(periods, sizeof(int32) * cap);
				amounts = repalloc_huge(amounts, sizeof(int64) * cap);
				scales = repalloc_huge(scales, sizeof(int) * cap);
			}
			periods[ncells] = parse_period(read_token(&p, "a date"), unit);
			if (ncustomers > 0 ? ncells > ends[ncustomers - 1] : ncells > 0)
				if (periods[ncells] <= periods[ncells - 1])
					SYNTAX_ERROR("Customer " INT64_FORMAT " has periods out of order.", ids[ncustomers]);
			amount_text = read_token(&p, "an amount");
			if (!scaled_parse_decimal(amount_text, &amounts[ncells], &scales[ncells]))
				SYNTAX_ERROR("The amount \"%s\" is not a plain decimal of at most %d decimals that fits in bigint units.",
							 amount_text, REVENUE_MAX_SCALE);
			scale = Max(scale, scales[ncells]);
			ncells++;
			expect_char(&p, '\0');
			if (*p != ',')
				break;
			p++;
		}
		ends[ncustomers++] = ncells;
	}
	if (*p != '\0')
		SYNTAX_ERROR("Unexpected text at \"%.20s\".", p);
	if (ncustomers == 0)
		SYNTAX_ERROR("The matrix must have at least one customer.");
	for (int32 k = 0; k < ncells; k++)
		if (!scaled_rescale(&amounts[k], scales[k], scale))
			SYNTAX_ERROR("The amount at cell %d does not fit in bigint units of 10^-%d.", k + 1, scale);

	customers = palloc(sizeof(RevenueCustomer) * ncustomers);
	for (int32 i = 0; i < ncustomers; i++)
	{
		int32		from = i ? ends[i - 1] : 0;

		customers[i].id = ids[i];
		customers[i].n = ends[i] - from;
		customers[i].periods = periods + from;
		customers[i].amounts = amounts + from;
	}
	PG_RETURN_POINTER(revenue_matrix_build(unit, scale, ncustomers, customers));
}

/*
 * revenue_matrix_send(revenue_matrix) returns bytea
 *
 * Binary form, in network byte order: version, unit, scale, flags (1 byte
 * each), ncustomers and ncells (int32), then per customer its id (int64)
 * and cell count (int32), then per cell its period (int32) and amount
 * (int64).
 */
PG_FUNCTION_INFO_V1(revenue_matrix_send);
Datum
revenue_matrix_send(PG_FUNCTION_ARGS)
{
	RevenueMatrix *m = revenue_matrix_getarg(fcinfo, 0);
	RevenueArrays a = revenue_matrix_arrays(m);
	StringInfoData buf;

	codec_begin_write(&buf, m->version);
	pq_sendbyte(&buf, m->unit);
	pq_sendbyte(&buf, m->scale);
	pq_sendbyte(&buf, m->flags);
	pq_sendint32(&buf, m->ncustomers);
	pq_sendint32(&buf, m->ncells);
	for (int32 i = 0; i < m->ncustomers; i++)
	{
		pq_sendint64(&buf, a.ids[i]);
		pq_sendint32(&buf, a.ends[i] - (i ? a.ends[i - 1] : 0));
	}
	for (int32 k = 0; k < m->ncells; k++)
	{
		pq_sendint32(&buf, a.periods[k]);
		pq_sendint64(&buf, a.amounts[k]);
	}
	PG_RETURN_BYTEA_P(codec_end_write(&buf));
}

/*
 * revenue_matrix_recv(internal) returns revenue_matrix
 *
 * Reads the binary form of revenue_matrix_send: the counts must match the
 * bytes present before the matrix is allocated, and the result passes
 * every check of a stored value; errors are 22P03.
 */
PG_FUNCTION_INFO_V1(revenue_matrix_recv);
Datum
revenue_matrix_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	RevenueMatrix header;
	RevenueMatrix *m;
	RevenueArrays a;
	int32		c = 0;

	if (buf->len - buf->cursor < 12)
		MATRIX_ERROR(ERRCODE_INVALID_BINARY_REPRESENTATION,
					 "The binary value has %d bytes, fewer than a header.", buf->len - buf->cursor);
	header.version = pq_getmsgbyte(buf);
	header.unit = pq_getmsgbyte(buf);
	header.scale = pq_getmsgbyte(buf);
	header.flags = pq_getmsgbyte(buf);
	header.ncustomers = pq_getmsgint(buf, 4);
	header.ncells = pq_getmsgint(buf, 4);
	if (header.ncustomers < 1 || header.ncells < header.ncustomers ||
		header.ncells > REVENUE_MAX_CELLS ||
		(uint64) (buf->len - buf->cursor) != (uint64) header.ncustomers * 12 + (uint64) header.ncells * 12)
		MATRIX_ERROR(ERRCODE_INVALID_BINARY_REPRESENTATION,
					 "The binary value has %d customers and %d cells, which do not match its %d bytes.",
					 header.ncustomers, header.ncells, buf->len);
	m = matrix_alloc(&header);
	a = revenue_matrix_arrays(m);
	for (int32 i = 0; i < m->ncustomers; i++)
	{
		int32		n;

		a.ids[i] = pq_getmsgint64(buf);
		n = pq_getmsgint(buf, 4);
		if (n < 1 || n > m->ncells - c)
			MATRIX_ERROR(ERRCODE_INVALID_BINARY_REPRESENTATION,
						 "Customer " INT64_FORMAT " has %d cells; at most %d are left.",
						 a.ids[i], n, m->ncells - c);
		c += n;
		a.ends[i] = c;
	}
	for (int32 k = 0; k < m->ncells; k++)
	{
		a.periods[k] = pq_getmsgint(buf, 4);
		a.amounts[k] = pq_getmsgint64(buf);
	}
	matrix_check(m, VARSIZE(m), ERRCODE_INVALID_BINARY_REPRESENTATION);
	PG_RETURN_POINTER(m);
}
