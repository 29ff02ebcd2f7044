package check_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/check"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/destinations/destinationtest"
	"github.com/cakebackup/cakebackup/local"
	"github.com/cakebackup/cakebackup/schedule"
)

// startsGood is the test's verify: a good backup starts with "GOOD".
var startsGood = destinationtest.PrefixCheck("GOOD")

type fixture struct {
	dir   string
	dest  *local.Folder
	store schedule.VerifiedStore
	names []string
}

func newFixture(t *testing.T, n int) *fixture {
	t.Helper()
	f := &fixture{dir: t.TempDir(), store: schedule.VerifiedStore{Path: filepath.Join(t.TempDir(), "verified.json")}}
	base := time.Date(2026, 11, 1, 3, 0, 0, 0, time.UTC)
	for i := range n {
		name := schedule.BackupName("daily", base.AddDate(0, 0, i))
		if err := os.WriteFile(filepath.Join(f.dir, name), []byte("GOOD "+name), 0o600); err != nil {
			t.Fatal(err)
		}
		f.names = append(f.names, name)
	}
	d, err := local.NewFolder(f.dir)
	if err != nil {
		t.Fatal(err)
	}
	f.dest = d
	return f
}

// run runs a check with a memo loaded from and saved to the store.
func (f *fixture) run(t *testing.T, opts check.Options) (*check.Report, error) {
	t.Helper()
	memo, err := f.store.Memo(f.dest.Spec())
	if err != nil {
		t.Fatal(err)
	}
	opts.Memo, opts.Verify = memo, startsGood
	rep, err := check.Run(context.Background(), f.dest, opts)
	if serr := f.store.Save(memo); serr != nil {
		t.Fatal(serr)
	}
	return rep, err
}

func readNames(rep *check.Report) []string {
	var out []string
	for _, r := range rep.Results {
		if r.Read {
			out = append(out, r.Name)
		}
	}
	return out
}

// A rotating N/T check reads every backup once in T runs, and only what
// it must plus its group on each run.
func TestRotationCoversAllInTRuns(t *testing.T) {
	f := newFixture(t, 20)
	rep, err := f.run(t, check.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := readNames(rep); len(got) != 20 {
		t.Fatalf("the first check read %d backups; want all 20 (none known)", len(got))
	}
	if rep, err = f.run(t, check.Options{}); err != nil || rep.ReadCount != 0 {
		t.Fatalf("a check without a subset read %d (%v); want 0", rep.ReadCount, err)
	}
	const T = 4
	seen := map[string]int{}
	groups := map[int]bool{}
	for run := range T {
		rep, err := f.run(t, check.Options{Subset: check.Subset{N: 1, T: T}, Rotate: true})
		if err != nil {
			t.Fatal(err)
		}
		groups[rep.Group] = true
		for _, name := range readNames(rep) {
			seen[name]++
			if check.Group(name, T) != rep.Group-1 {
				t.Errorf("run %d read %s of group %d; the run's group is %d", run, name, check.Group(name, T)+1, rep.Group)
			}
		}
		for _, r := range rep.Results {
			if !r.Read && r.Status != check.Unchanged {
				t.Errorf("run %d: %s is %s", run, r.Name, r.Status)
			}
		}
	}
	if len(groups) != T {
		t.Errorf("groups read = %v; want all %d", groups, T)
	}
	for _, name := range f.names {
		if seen[name] != 1 {
			t.Errorf("%s was read %d times in %d runs; want once", name, seen[name], T)
		}
	}
}

// A backup rewritten behind our back is read again although it is not in
// the subset; a bad one fails the check, named, and stays failed.
func TestChangedBackupIsReadAndFails(t *testing.T) {
	f := newFixture(t, 5)
	if _, err := f.run(t, check.Options{}); err != nil {
		t.Fatal(err)
	}
	bad := f.names[2]
	path := filepath.Join(f.dir, bad)
	if err := os.WriteFile(path, []byte("BAD! "+bad), 0o600); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(path, later, later); err != nil {
		t.Fatal(err)
	}
	for run := range 2 {
		rep, err := f.run(t, check.Options{})
		if !errors.Is(err, check.ErrFailed) || !strings.Contains(err.Error(), path) {
			t.Fatalf("run %d: error %v; want ErrFailed naming %s", run, err, path)
		}
		failed := rep.Failed()
		if len(failed) != 1 || failed[0].Name != bad {
			t.Fatalf("run %d: failed %+v; want %s", run, failed, bad)
		}
		if want := 1 - run; rep.ReadCount != want {
			t.Errorf("run %d read %d backups; want %d (unchanged since it failed: not read again)", run, rep.ReadCount, want)
		}
	}
	memo, err := f.store.Memo(f.dest.Spec())
	if err != nil {
		t.Fatal(err)
	}
	if got := memo.Failed(); len(got) != 1 || got[0].Name != bad {
		t.Errorf("recorded failures %+v; want %s", got, bad)
	}
	// Removed by hand: forgotten, not a failure.
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if _, err := f.run(t, check.Options{}); err != nil {
		t.Fatalf("after removing the bad backup: %v", err)
	}
}

// P% and SIZE read random subsets of the requested extent.
func TestRandomSubsets(t *testing.T) {
	f := newFixture(t, 10)
	if _, err := f.run(t, check.Options{}); err != nil {
		t.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	rep, err := f.run(t, check.Options{Subset: check.Subset{Percent: 30}, Rand: rnd})
	if err != nil || rep.ReadCount != 3 {
		t.Fatalf("30%% read %d (%v); want 3", rep.ReadCount, err)
	}
	size := rep.Results[0].Size // all the same size
	rep, err = f.run(t, check.Options{Subset: check.Subset{Bytes: 4*size + size/2}, Rand: rnd})
	if err != nil || rep.ReadCount != 4 || rep.ReadBytes != 4*size {
		t.Fatalf("a budget of 4.5 backups read %d, %d bytes (%v); want 4", rep.ReadCount, rep.ReadBytes, err)
	}
}

func TestParseSubset(t *testing.T) {
	size := func(s string) (int64, error) {
		if s == "1K" {
			return 1024, nil
		}
		return 0, errors.New("bad size")
	}
	for _, tc := range []struct {
		in   string
		want check.Subset
		ok   bool
	}{
		{"1/7", check.Subset{N: 1, T: 7}, true},
		{"7/7", check.Subset{N: 7, T: 7}, true},
		{"0/7", check.Subset{}, false},
		{"8/7", check.Subset{}, false},
		{"1/0", check.Subset{}, false},
		{"25%", check.Subset{Percent: 25}, true},
		{"0%", check.Subset{}, false},
		{"101%", check.Subset{}, false},
		{"nan%", check.Subset{}, false},
		{"NaN%", check.Subset{}, false},
		{"1K", check.Subset{Bytes: 1024}, true},
		{"lots", check.Subset{}, false},
	} {
		got, err := check.ParseSubset(tc.in, size)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseSubset(%q) = %+v, %v", tc.in, got, err)
		}
		if err != nil && !errors.Is(err, check.ErrBadSubset) {
			t.Errorf("ParseSubset(%q) error %v does not wrap ErrBadSubset", tc.in, err)
		}
	}
}

// missingFolder is a destination whose folder is not there, as a Proton
// Drive folder that no backup made yet lists as empty.
type missingFolder struct{ *local.Folder }

func (missingFolder) CheckFolder(context.Context) error {
	return fmt.Errorf("no such folder: %w", destinations.ErrNotFound)
}

// TestMissingFolderFails: a check of a folder that is not there fails, as
// ls does, rather than passing with no backups, and forgets nothing it
// recorded.
func TestMissingFolderFails(t *testing.T) {
	f := newFixture(t, 1)
	if _, err := f.run(t, check.Options{}); err != nil {
		t.Fatal(err)
	}
	memo, err := f.store.Memo(f.dest.Spec())
	if err != nil {
		t.Fatal(err)
	}
	rep, err := check.Run(t.Context(), missingFolder{f.dest}, check.Options{Memo: memo, Verify: startsGood})
	if !errors.Is(err, destinations.ErrNotFound) || rep != nil {
		t.Fatalf("check of a missing folder = %+v, %v; want no report and ErrNotFound", rep, err)
	}
	if rep, err := f.run(t, check.Options{}); err != nil || len(readNames(rep)) != 0 {
		t.Fatalf("after it, check read %v (%v); want nothing, the record kept", readNames(rep), err)
	}
}

// A check covers the backups, as ls lists them, and leaves the other
// files of a shared folder (Downloads) alone: not read, not failed, not
// recorded, only counted. A file once verified here stays covered when
// it no longer looks like a backup: it was one, and is damaged.
func TestOtherFilesAreIgnored(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, 2)
	others := map[string]string{
		"taxes.pdf":    "%PDF-1.7 the owner's tax return",
		"holiday.zip":  "PK\x03\x04 not a backup either",
		"renamed_copy": "GOOD, verified once under this name",
	}
	for name, body := range others {
		if err := os.WriteFile(filepath.Join(f.dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	id, err := f.dest.Identity(ctx, "renamed_copy")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.RecordStored(f.dest.Spec(), "", "renamed_copy", int64(len(others["renamed_copy"])), "00", id, time.Now()); err != nil {
		t.Fatal(err)
	}

	rep, err := f.run(t, check.Options{})
	if err != nil {
		t.Fatalf("check failed on files that are not backups: %v", err)
	}
	var checked []string
	for _, r := range rep.Results {
		checked = append(checked, r.Name)
	}
	want := append(append([]string(nil), f.names...), "renamed_copy")
	slices.Sort(checked)
	slices.Sort(want)
	if !slices.Equal(checked, want) || rep.Ignored != 2 {
		t.Fatalf("checked %v, ignored %d; want %v and 2 ignored", checked, rep.Ignored, want)
	}
	memo, err := f.store.Memo(f.dest.Spec())
	if err != nil {
		t.Fatal(err)
	}
	if failed := memo.Failed(); len(failed) != 0 {
		t.Fatalf("recorded as failed: %+v", failed)
	}

	// Damaged past recognition, the once verified copy still fails.
	if err := os.WriteFile(filepath.Join(f.dir, "renamed_copy"), []byte("BAD now"), 0o600); err != nil {
		t.Fatal(err)
	}
	rep, err = f.run(t, check.Options{})
	if !errors.Is(err, check.ErrFailed) || len(rep.Failed()) != 1 || rep.Failed()[0].Name != "renamed_copy" {
		t.Fatalf("check of a damaged once-verified copy = %v, %+v; want it failed", err, rep.Failed())
	}
}

// unopenable is a destination that lists its backups but cannot open
// them: a drive pulled out, a connection dropped after the listing.
type unopenable struct{ *local.Folder }

func (unopenable) Open(context.Context, string) (destinations.Reader, error) {
	return nil, errors.New("transport endpoint is not connected")
}

// TestUnreadableBackupFailsTheCheck: a check that could not read a backup
// it had to read fails (not as a backup that did not verify: nothing is
// known of its bytes), counts nothing as read, and records nothing, so
// the next check reads it. It passed, "1 read in full".
func TestUnreadableBackupFailsTheCheck(t *testing.T) {
	f := newFixture(t, 2)
	memo, err := f.store.Memo(f.dest.Spec())
	if err != nil {
		t.Fatal(err)
	}
	rep, err := check.Run(t.Context(), unopenable{f.dest}, check.Options{Memo: memo, Verify: startsGood})
	if !errors.Is(err, check.ErrUnreadable) || errors.Is(err, check.ErrFailed) {
		t.Fatalf("check = %v, want ErrUnreadable and not ErrFailed", err)
	}
	if rep == nil || len(rep.Results) != 2 || rep.ReadCount != 0 || rep.ReadBytes != 0 || len(readNames(rep)) != 0 {
		t.Fatalf("report %+v, want two unreadable backups and nothing read", rep)
	}
	for _, r := range rep.Results {
		if r.Status != check.Unreadable || !strings.Contains(err.Error(), r.Location) {
			t.Errorf("%s: %s, and the error %q does not name it", r.Name, r.Status, err)
		}
	}
	if rep, err := f.run(t, check.Options{}); err != nil || len(readNames(rep)) != 2 {
		t.Fatalf("the next check read %v (%v), want both", readNames(rep), err)
	}
}

// failingReads is a destination whose backups open but fail to read, as
// a drive pulled out mid-read does.
type failingReads struct{ *local.Folder }

func (d failingReads) Open(ctx context.Context, name string) (destinations.Reader, error) {
	r, err := d.Folder.Open(ctx, name)
	if err != nil {
		return nil, err
	}
	return eioReader{r}, nil
}

type eioReader struct{ destinations.Reader }

func (eioReader) ReadAt([]byte, int64) (int, error) {
	return 0, &os.PathError{Op: "read", Path: "/media/STICK/x", Err: syscall.EIO}
}

// errLooksDamaged is what the format's check makes of any failure to
// read data.bin: damage.
var errLooksDamaged = errors.New("backup checksum mismatch (the file is damaged)")

// TestReadErrorIsNotDamage: a backup whose read fails while it is
// verified is unreadable, not failed, and nothing is recorded, even when
// the verification words the read error as damage (the format's check
// does: "chunk 0: reading data.bin: backup checksum mismatch"). It was
// failed and recorded so: a drive pulled out for a moment left a backup
// "DAMAGED" until its bytes changed.
func TestReadErrorIsNotDamage(t *testing.T) {
	f := newFixture(t, 1)
	memo, err := f.store.Memo(f.dest.Spec())
	if err != nil {
		t.Fatal(err)
	}
	verify := func(ctx context.Context, r io.ReaderAt, size int64) error {
		if _, err := r.ReadAt(make([]byte, 4), 0); err != nil {
			return fmt.Errorf("chunk 0: reading data.bin: %w: %w", errLooksDamaged, err)
		}
		return startsGood(ctx, r, size)
	}
	rep, err := check.Run(t.Context(), failingReads{f.dest}, check.Options{Memo: memo, Verify: verify})
	if !errors.Is(err, check.ErrUnreadable) || errors.Is(err, check.ErrFailed) {
		t.Fatalf("check = %v, want ErrUnreadable and not ErrFailed", err)
	}
	if rep.Results[0].Status != check.Unreadable {
		t.Fatalf("status %s, want unreadable", rep.Results[0].Status)
	}
	if err := f.store.Save(memo); err != nil {
		t.Fatal(err)
	}
	if rep, err := f.run(t, check.Options{}); err != nil || len(readNames(rep)) != 1 || rep.Results[0].Status != check.Verified {
		t.Fatalf("the next check: %+v (%v), want the backup read and verified", rep, err)
	}
}

// TestUnopenedFileMayBeABackup: a file whose name is not a backup's and
// that cannot be opened to tell (a renamed backup on a drive pulled out)
// is unreadable, and the check does not pass. It was counted as "not a
// backup" and the check passed. A file named as no backup and that opens
// is still only counted.
func TestUnopenedFileMayBeABackup(t *testing.T) {
	f := newFixture(t, 1)
	if err := os.WriteFile(filepath.Join(f.dir, "renamed_copy"), []byte("GOOD renamed"), 0o600); err != nil {
		t.Fatal(err)
	}
	memo, err := f.store.Memo(f.dest.Spec())
	if err != nil {
		t.Fatal(err)
	}
	rep, err := check.Run(t.Context(), unopenable{f.dest}, check.Options{Memo: memo, Verify: startsGood})
	if !errors.Is(err, check.ErrUnreadable) || !strings.Contains(err.Error(), filepath.Join(f.dir, "renamed_copy")) {
		t.Fatalf("check = %v, want ErrUnreadable naming renamed_copy", err)
	}
	if rep.Ignored != 0 || len(rep.Results) != 2 {
		t.Fatalf("report %+v, want both files unreadable and none ignored", rep)
	}
	for _, r := range rep.Results {
		if r.Status != check.Unreadable || r.Read {
			t.Errorf("%s: %s (read %v), want unreadable and not read", r.Name, r.Status, r.Read)
		}
	}
}

func TestReportCount(t *testing.T) {
	r := &check.Report{Results: []check.Result{{Status: check.Failed}, {Status: check.Verified}, {Status: check.Failed}, {Status: check.Unreadable}}}
	for _, tc := range []struct {
		s    check.Status
		want int
	}{{check.Failed, 2}, {check.Verified, 1}, {check.Unreadable, 1}, {check.Unchanged, 0}} {
		if got := r.Count(tc.s); got != tc.want {
			t.Errorf("Count(%s) = %d, want %d", tc.s, got, tc.want)
		}
	}
}
