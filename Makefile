# retention: PGXS build of the extension (see README.md for the two commands
# that install dependencies, build, demo and test).

EXTENSION = retention
EXTVERSION = 0.2.0

MODULE_big = retention
OBJS = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c src/*/*.c)))
DATA = $(wildcard retention--*.sql)

# pg_regress: every sql/<name>.sql against expected/<name>.out
REGRESS = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --load-extension=$(EXTENSION)

PG_CPPFLAGS = -I$(srcdir)/src
SHLIB_LINK = -lm -lnlopt

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PGXS tracks no header dependencies (the server may be built without
# --enable-depend): every object, and its JIT bitcode, depends on every
# header of src/, so a changed header rebuilds them all.
$(OBJS) $(OBJS:.o=.bc): $(wildcard src/*.h src/*/*.h)

# Perl TAP tests (PostgreSQL::Test::Cluster); tools/test.sh runs them as the
# postgres user with the private server tree first on PATH.
PROVE ?= prove
prove_installcheck:
	$(PROVE) -I $(dir $(PGXS))../../src/test/perl -I test/t $(PROVE_FLAGS) test/t/*.pl

# pgTAP tests against a running server (PGHOST, PGPORT, PGDATABASE).
PG_PROVE ?= pg_prove
pgtap:
	$(PG_PROVE) $(PG_PROVE_FLAGS) test/*.sql

# The release archive PGXN takes: the committed tree at HEAD (git archive,
# so nothing built or ignored), every file under retention-$(EXTVERSION)/,
# META.json at its top. DIST_REF picks another commit or tag.
DIST_REF ?= HEAD
DISTNAME = $(EXTENSION)-$(EXTVERSION)
dist:
	mkdir -p dist
	git archive --format zip --prefix=$(DISTNAME)/ --output dist/$(DISTNAME).zip $(DIST_REF)

.PHONY: prove_installcheck pgtap dist
