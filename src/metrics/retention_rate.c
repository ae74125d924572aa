/*-------------------------------------------------------------------------
 *
 * retention_rate.c
 *	  Customer retention rate (CRR) and churn rate from period counts.
 *
 * CRR = (E - N) / S, with S the customers at the start of a period, E those
 * at its end and N the new customers acquired during it (Reichheld's
 * customer retention rate; see doc/retention.md).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"

#include "retention.h"

/*
 * Refuse counts that cannot describe a real period: negative counts, more
 * new customers than customers at the end, or more customers retained
 * (E - N) than there were at the start.
 */
static inline void
check_retention_counts(int64 start_count, int64 end_count, int64 new_count)
{
	if (start_count < 0 || end_count < 0 || new_count < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("customer counts must not be negative"),
				 errdetail("start_count is " INT64_FORMAT ", end_count is " INT64_FORMAT ", new_count is " INT64_FORMAT ".",
						   start_count, end_count, new_count)));
	if (new_count > end_count)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("new_count must not exceed end_count"),
				 errdetail("new_count is " INT64_FORMAT " and end_count is " INT64_FORMAT ".",
						   new_count, end_count),
				 errhint("New customers are counted among the customers at the end of the period.")));
	if (end_count - new_count > start_count)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("more customers retained than there were at the start"),
				 errdetail("end_count - new_count is " INT64_FORMAT " but start_count is " INT64_FORMAT ".",
						   end_count - new_count, start_count),
				 errhint("Customers at the end who are not new must have been customers at the start.")));
}

/*
 * retention_rate(start_count, end_count, new_count) returns float8
 *
 * (E - N) / S as a fraction; NULL when S = 0, where no rate exists.
 */
PG_FUNCTION_INFO_V1(retention_rate);
Datum
retention_rate(PG_FUNCTION_ARGS)
{
	int64		start_count = PG_GETARG_INT64(0);
	int64		end_count = PG_GETARG_INT64(1);
	int64		new_count = PG_GETARG_INT64(2);

	check_retention_counts(start_count, end_count, new_count);
	if (start_count == 0)
		PG_RETURN_NULL();

	PG_RETURN_FLOAT8((double) (end_count - new_count) / (double) start_count);
}

/*
 * churn_rate(start_count, end_count, new_count) returns float8
 *
 * 1 - CRR, computed as lost / S (lost = S - (E - N)) so that exact inputs
 * give exact outputs (0.2, not 0.19999999999999996); NULL when S = 0.
 */
PG_FUNCTION_INFO_V1(churn_rate);
Datum
churn_rate(PG_FUNCTION_ARGS)
{
	int64		start_count = PG_GETARG_INT64(0);
	int64		end_count = PG_GETARG_INT64(1);
	int64		new_count = PG_GETARG_INT64(2);

	check_retention_counts(start_count, end_count, new_count);
	if (start_count == 0)
		PG_RETURN_NULL();

	PG_RETURN_FLOAT8((double) (start_count - (end_count - new_count)) /
					 (double) start_count);
}
