# The two release packages, built as a release manager builds them and
# checked by what they hold, without touching the system's installation:
#  - PGXN: `make dist` in a git repository of the checkout gives
#    dist/retention-VERSION.zip with every file under retention-VERSION/,
#    META.json and the control file at its top, the install scripts, and
#    nothing built or ignored;
#  - Debian: `dpkg-buildpackage -us -uc -b` in the unpacked archive (so the
#    PGXN archive is shown to build too) gives postgresql-15-retention; its
#    library is the release build (no assertions, no sanitizer), and
#    unpacked with dpkg-deb -x into a private copy of the server tree it
#    creates the extension, answers a few calls, and updates from 0.1.0.
# The package's own pg_regress run (dh_pgxs_test) is left to
# debian/tests/installcheck (DEB_BUILD_OPTIONS=nocheck here, for time).
use strict;
use warnings;
use File::Copy;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $root = $ENV{RETENTION_ROOT} or die "RETENTION_ROOT is not set";
for my $tool (qw(git unzip dpkg-buildpackage dpkg-deb pg_buildext nm))
{
	plan skip_all => "$tool is not installed" unless grep { -x "$_/$tool" } split /:/, $ENV{PATH};
}
my ($version) = slurp_file("$root/Makefile") =~ /^EXTVERSION\s*=\s*(\S+)/m;
my $name = "retention-$version";
my $work = PostgreSQL::Test::Utils::tempdir();

# run CMD...: run in a folder, fail the test file with the output when it fails
sub run_in
{
	my ($dir, @cmd) = @_;
	my ($out, $err) = ('', '');
	my $ok = IPC::Run::run([ 'sh', '-c', 'cd "$0" && exec "$@"', $dir, @cmd ], '>', \$out, '2>', \$err);
	BAIL_OUT("'@cmd' in $dir failed:\n$out\n$err") unless $ok;
	return $out;
}

# 1. PGXN: make dist from a git repository of the checkout's files
my $start = time;
my $repo = "$work/repo";
run_in($work, 'cp', '-r', $root, $repo);
run_in($repo, 'git', 'init', '-q');
run_in($repo, 'git', 'add', '-A');
run_in($repo, 'git', '-c', 'user.name=test', '-c', 'user.email=test@localhost', 'commit', '-q', '-m', 'release');
mkdir "$repo/tmp_check";    # build output must stay out of the archive
append_to_file("$repo/tmp_check/stray", "not for release\n");
run_in($repo, 'make', '-s', 'dist', 'PG_CONFIG=pg_config');
my $zip = "$repo/dist/$name.zip";
ok(-f $zip, "make dist writes dist/$name.zip");
my @entries = split /\n/, run_in($repo, 'unzip', '-Z1', $zip);
is(scalar(grep { !m{^\Q$name\E/} } @entries), 0, "every entry lies under $name/");
for my $file ('META.json', 'retention.control', 'Makefile', 'README.md', 'LICENSE',
	'retention--0.1.0.sql', "retention--$version.sql", 'debian/control', 'debian/rules')
{
	ok((grep { $_ eq "$name/$file" } @entries), "the archive holds $name/$file");
}
is(join(' ', grep { m{/tmp_check/|/results/|/dist/|\.(?:o|so|bc)$} } @entries), '',
	'nothing built or ignored in the archive');
my $meta = run_in($repo, 'unzip', '-p', $zip, "$name/META.json");
is($meta, slurp_file("$root/META.json"), 'the archive\'s META.json is the checkout\'s');

# 2. Debian: build the package in the unpacked archive
run_in($work, 'unzip', '-q', $zip);
my $src = "$work/$name";
{
	local $ENV{DEB_BUILD_OPTIONS} = 'nocheck';
	run_in($src, 'dpkg-buildpackage', '-us', '-uc', '-b');
}
my ($deb_version) = slurp_file("$src/debian/changelog") =~ /^retention \(([^)]+)\)/;
my @debs = glob("$work/postgresql-15-retention_${deb_version}_*.deb");
is(scalar(@debs), 1, "dpkg-buildpackage builds postgresql-15-retention_${deb_version}");
my $build_seconds = time - $start;
note("make dist and the package build took ${build_seconds}s");
my @files = split /\n/, run_in($work, 'dpkg-deb', '-c', $debs[0]);
for my $file ('usr/lib/postgresql/15/lib/retention.so', 'usr/share/postgresql/15/extension/retention.control',
	'usr/share/postgresql/15/extension/retention--0.1.0.sql',
	"usr/share/postgresql/15/extension/retention--$version.sql",
	"usr/share/postgresql/15/extension/retention--0.1.0--$version.sql")
{
	ok((grep { m{ \./\Q$file\E$} } @files), "the package holds /$file");
}

# a private server tree: Debian's server, less any retention installed
# into it, with the package unpacked over it
my $tree = "$work/tree";
run_in($work, 'mkdir', '-p', "$tree/usr/lib/postgresql", "$tree/usr/share/postgresql");
run_in($work, 'cp', '-a', '/usr/lib/postgresql/15', "$tree/usr/lib/postgresql/");
run_in($work, 'cp', '-a', '/usr/share/postgresql/15', "$tree/usr/share/postgresql/");
unlink glob("$tree/usr/lib/postgresql/15/lib/retention.so $tree/usr/share/postgresql/15/extension/retention*");
run_in($work, 'dpkg-deb', '-x', $debs[0], $tree);
my $so = "$tree/usr/lib/postgresql/15/lib/retention.so";

# the release build: no Assert (ExceptionalCondition), no sanitizer
my $undefined = run_in($work, 'nm', '-D', '--undefined-only', $so);
unlike($undefined, qr/\bExceptionalCondition\b/, 'the packaged library has no assertions');
unlike($undefined, qr/__ubsan|__asan/, 'the packaged library has no sanitizer');

my $node = PostgreSQL::Test::Cluster->new('package', install_path => "$tree/usr/lib/postgresql/15");
$node->init;
$node->start;
is($node->safe_psql('postgres', q{SELECT setting FROM pg_config WHERE name = 'PKGLIBDIR'}),
	"$tree/usr/lib/postgresql/15/lib", 'the server runs from the private tree');
$node->safe_psql('postgres', 'CREATE EXTENSION retention');
is($node->safe_psql('postgres', q{SELECT extversion FROM pg_extension WHERE extname = 'retention'}),
	$version, "CREATE EXTENSION from the package installs $version");
is($node->safe_psql('postgres', q{SELECT retention_rate(150, 200, 80), cltv(10000, 0.01), segment(5, 4)}),
	'0.8|1000000|Champions', 'the README\'s first calls answer');
is($node->safe_psql('postgres', q{
	SELECT count(*), count(DISTINCT customer_id), bool_and(frequency >= 0 AND recency <= t)
	FROM (SELECT customer_id, (btyd_summary(order_at, amount, date '2024-09-30', 'week')).*
	      FROM simulate_orders(200, 3) GROUP BY customer_id) AS s}),
	'200|200|t', 'btyd_summary over simulate_orders: one summary per customer (C aggregates load)');
is($node->safe_psql('postgres', q{
	SELECT (m).converged FROM (SELECT bgnbd_fit(frequency, recency, t) AS m FROM
	  (SELECT (btyd_summary(order_at, amount, date '2024-09-30', 'week')).*
	   FROM simulate_orders(500, 5) GROUP BY customer_id) AS s) AS f}),
	't', 'a BG/NBD fit converges (NLopt linked)');
like($node->safe_psql('postgres', q{SELECT probin || ' ' || count(*) FROM pg_proc WHERE probin LIKE '%retention' GROUP BY probin}),
	qr/^\$libdir\/retention \d+$/, 'functions bind $libdir/retention');
$node->safe_psql('postgres', 'CREATE DATABASE old');
$node->safe_psql('old', q{CREATE EXTENSION retention VERSION '0.1.0'});
$node->safe_psql('old', 'ALTER EXTENSION retention UPDATE');
is($node->safe_psql('old', q{SELECT extversion FROM pg_extension WHERE extname = 'retention'}),
	$version, "the package updates 0.1.0 to $version");
$node->stop;
done_testing();
