package inbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/inbox"
	"github.com/cakebackup/cakebackup/schedule"
)

// faultyDeletes is a real destination whose Delete fails while fail is
// set; it counts the deletes asked of it.
type faultyDeletes struct {
	destinations.Destination
	f *deleteFault
}

type deleteFault struct {
	mu    sync.Mutex
	fail  bool
	asked int
}

func (f *deleteFault) set(fail bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail, f.asked = fail, 0
}

func (f *deleteFault) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.asked
}

var errDeleteRefused = errors.New("the drive refused the delete")

func (d faultyDeletes) Delete(ctx context.Context, name string) error {
	d.f.mu.Lock()
	d.f.asked++
	fail := d.f.fail
	d.f.mu.Unlock()
	if fail {
		return errDeleteRefused
	}
	return d.Destination.Delete(ctx, name)
}

// owedState reads what the state file says is owed.
func owedState(t *testing.T, path string) map[string]struct{ Tries int } {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var st struct {
		Owed map[string]struct{ Tries int } `json:"retention_owed"`
	}
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	return st.Owed
}

// TestRetentionOwedIsRetriedWithBackoff: when an export was shipped but
// pruning the older copy at the destination failed, the retention is owed
// there (in the state file): the export stays in the watched folder with
// --remove-after-send, and later passes try the retention again only once
// its backoff has passed (a minute, then two, ...), not at every pass.
// When it succeeds, the old copy goes, nothing is owed any more and the
// export leaves the folder.
func TestRetentionOwedIsRetriedWithBackoff(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dest := t.TempDir()
	fault := &deleteFault{}
	var log bytes.Buffer
	in := f.inbox(dest)
	open := in.Open
	in.Open = func(ctx context.Context, spec string) (destinations.Destination, error) {
		d, err := open(ctx, spec)
		if err != nil {
			return nil, err
		}
		return faultyDeletes{d, fault}, nil
	}
	in.Retention = schedule.Retention{KeepLast: 1}
	in.RemoveAfterSend = true
	in.Log = slog.New(slog.NewTextHandler(&log, nil))
	start := time.Date(2026, 12, 3, 4, 0, 0, 0, time.UTC)
	now := start
	inbox.SetClock(in, func() time.Time { return now })
	spec := "folder:" + dest

	older, newer := snapshot(t, 0), snapshot(t, 1)
	f.drop(t, "export-older", older)
	if rep := once(t, in); rep.Err() != nil {
		t.Fatal(rep.Err())
	}
	holdsOnly(t, f.dir)
	holdsOnly(t, dest, older)

	// The newer export is shipped, but the older copy cannot be deleted.
	fault.set(true)
	f.drop(t, "export-newer", newer)
	rep := once(t, in)
	if !errors.Is(rep.Err(), errDeleteRefused) || fault.count() != 1 {
		t.Fatalf("pass error %v after %d deletes; want the refused delete", rep.Err(), fault.count())
	}
	if s, _ := status(rep, "export-newer"); s != inbox.Shipped {
		t.Fatalf("export-newer: %v, want shipped", s)
	}
	if !strings.Contains(log.String(), "retention failed") || !strings.Contains(log.String(), "dest="+spec) {
		t.Errorf("log does not say retention failed at %s:\n%s", spec, log.String())
	}
	holdsOnly(t, f.dir, newer)
	holdsOnly(t, dest, older, newer)
	if o := owedState(t, f.state); o[spec].Tries != 1 {
		t.Fatalf("state owes %+v, want one failed try at %s", o, spec)
	}

	// Within the backoff no pass tries again, in this run or a later one,
	// and the export stays.
	steps := []struct {
		after   time.Duration // since start
		fail    bool          // the delete fails
		deletes int           // deletes asked
		tries   int           // failures on record after it; 0: nothing owed
	}{
		{0, false, 0, 1},
		{59 * time.Second, false, 0, 1},
		{time.Minute, true, 1, 2},
		{time.Minute + 119*time.Second, false, 0, 2},
		{3 * time.Minute, true, 1, 3},
		{3*time.Minute + 239*time.Second, false, 0, 3},
		{7 * time.Minute, false, 1, 0},
	}
	for i, st := range steps {
		now = start.Add(st.after)
		fault.set(st.fail)
		again := in
		if i%2 == 1 {
			// A later run (a scheduled watch job) reads what is owed
			// from the state file.
			again = f.inbox(dest)
			again.Open, again.Retention, again.RemoveAfterSend = in.Open, in.Retention, true
			inbox.SetClock(again, func() time.Time { return now })
		}
		rep := once(t, again)
		if fault.count() != st.deletes {
			t.Fatalf("at +%v: %d deletes asked, want %d", st.after, fault.count(), st.deletes)
		}
		if got := owedState(t, f.state)[spec].Tries; got != st.tries {
			t.Fatalf("at +%v: %d failed tries on record, want %d", st.after, got, st.tries)
		}
		if st.tries > 0 {
			if st.fail != (rep.Err() != nil) {
				t.Fatalf("at +%v: pass error %v", st.after, rep.Err())
			}
			holdsOnly(t, f.dir, newer)
			holdsOnly(t, dest, older, newer)
			continue
		}
		if rep.Err() != nil || len(rep.Pruned) != 1 {
			t.Fatalf("at +%v: pruned %v, error %v; want the older copy pruned", st.after, rep.Pruned, rep.Err())
		}
		holdsOnly(t, f.dir)
		holdsOnly(t, dest, newer)
	}
	if o := owedState(t, f.state); len(o) != 0 {
		t.Errorf("state still owes %+v", o)
	}
}

// TestRetryDelay: a minute after the first failure, doubling, at most an
// hour.
func TestRetryDelay(t *testing.T) {
	t.Parallel()
	for tries, want := range map[int]time.Duration{
		1: time.Minute, 2: 2 * time.Minute, 3: 4 * time.Minute, 6: 32 * time.Minute, 7: time.Hour, 100: time.Hour,
	} {
		if got := inbox.RetryDelay(tries); got != want {
			t.Errorf("RetryDelay(%d) = %v, want %v", tries, got, want)
		}
	}
}
