/*-------------------------------------------------------------------------
 *
 * segment.h
 *	  The segment maps of segment.c, for rfm_segments: the default map and
 *	  parsed jsonb rules.
 *
 *-------------------------------------------------------------------------
 */
#ifndef RETENTION_SEGMENT_H
#define RETENTION_SEGMENT_H

#include "utils/jsonb.h"

typedef struct SegmentRuleSet SegmentRuleSet;

extern const char *segment_default_name(int32 r, int32 f);
extern SegmentRuleSet *segment_parse_rules(Jsonb *rules, MemoryContext mcxt);
extern const char *segment_match(const SegmentRuleSet *set, const int32 *scores);

#endif							/* RETENTION_SEGMENT_H */
