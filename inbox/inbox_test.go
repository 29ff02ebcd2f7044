package inbox_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/inbox"
	"github.com/cakebackup/cakebackup/local"
	"github.com/cakebackup/cakebackup/schedule"
)

// TestSlowWriteIsShippedOnceComplete: an export written in pieces with
// pauses longer than the settle interval is looked at after each piece
// and left alone (a part is not a backup), and shipped exactly once when
// whole. The watcher runs on real fsnotify events.
func TestSlowWriteIsShippedOnceComplete(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"v3", "v2"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			export := appExport(t, kind, 0)
			f := newFixture(t)
			a, b := t.TempDir(), t.TempDir()
			in := f.inbox(a, b)
			in.Poll = time.Hour // events only
			w := watch(t, in)
			const name = "cake_wallet_backup_2026-12-01_0930"
			out, err := os.OpenFile(filepath.Join(f.dir, name), os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
			if err != nil {
				t.Fatal(err)
			}
			defer out.Close()
			piece := len(export)/4 + 1
			written := 0
			for written < len(export) {
				end := min(written+piece, len(export))
				if _, err := out.Write(export[written:end]); err != nil {
					t.Fatal(err)
				}
				written = end
				if written == len(export) {
					break
				}
				// The pause lasts until the watcher has settled on and
				// judged this part.
				w.waitFor(t, "a part judged", func(r []*inbox.Report) bool {
					return count(r, name, inbox.NotBackup, int64(written)) > 0
				})
				holdsOnly(t, a)
				holdsOnly(t, b)
			}
			w.waitFor(t, "the whole export shipped", func(r []*inbox.Report) bool {
				return count(r, name, inbox.Shipped, -1) > 0
			})
			holdsOnly(t, a, export)
			holdsOnly(t, b, export)
			// Another event makes another pass: nothing is shipped again.
			f.drop(t, "notes.txt", []byte("shopping list"))
			w.waitFor(t, "notes.txt judged", func(r []*inbox.Report) bool {
				return count(r, "notes.txt", inbox.NotBackup, -1) > 0
			})
			w.stop()
			if n := count(w.reports, name, inbox.Shipped, -1); n != 1 {
				t.Fatalf("shipped %d times", n)
			}
			holdsOnly(t, a, export)
			holdsOnly(t, b, export)
			if got, _ := os.ReadFile(filepath.Join(f.dir, name)); !bytes.Equal(got, export) {
				t.Fatal("the source export changed")
			}
		})
	}
}

// TestShippedOnceAcrossRestarts: a new watcher with the same state file
// neither ships nor even re-reads an export shipped before, and a renamed
// or copied export is recognised by its content and not shipped again.
func TestShippedOnceAcrossRestarts(t *testing.T) {
	t.Parallel()
	export := appExport(t, "v3", 0)
	f := newFixture(t)
	dest := t.TempDir()
	src := f.drop(t, "cake_wallet_backup_2026-12-01_1000", export)
	if rep := once(t, f.inbox(dest)); rep.Err() != nil {
		t.Fatal(rep.Err())
	} else if s, _ := status(rep, filepath.Base(src)); s != inbox.Shipped {
		t.Fatalf("status %v, want shipped", s)
	}
	holdsOnly(t, dest, export)
	fi, err := os.Stat(f.state)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("state file: %v, mode %v", err, fi.Mode())
	}

	// A restarted watcher: the file is known by path, size and time.
	w := watch(t, f.inbox(dest))
	w.waitFor(t, "a first pass", func(r []*inbox.Report) bool { return len(r) > 0 })
	w.stop()
	if len(w.reports[0].Files) != 0 {
		t.Fatalf("the restarted watcher looked at %+v", w.reports[0].Files)
	}

	// Renamed, and copied under another name (a new time).
	renamed := filepath.Join(f.dir, "wallets-before-trip")
	if err := os.Rename(src, renamed); err != nil {
		t.Fatal(err)
	}
	f.drop(t, "cake_wallet_backup_copy", export)
	rep := once(t, f.inbox(dest))
	for _, name := range []string{"wallets-before-trip", "cake_wallet_backup_copy"} {
		if s, ok := status(rep, name); !ok || s != inbox.Known {
			t.Errorf("%s: status %v (listed %v), want already shipped", name, s, ok)
		}
	}
	holdsOnly(t, dest, export)
}

// TestRemoveAfterSend: the export stays while a destination fails and is
// removed once every destination holds a verified copy.
func TestRemoveAfterSend(t *testing.T) {
	t.Parallel()
	export := appExport(t, "v2", 0)
	f := newFixture(t)
	good := t.TempDir()
	unplugged := filepath.Join(t.TempDir(), "stick")
	in := f.inbox(good, unplugged)
	in.RemoveAfterSend = true
	src := f.drop(t, "cake_wallet_backup_2026-12-01_1100", export)

	rep, err := in.Once(t.Context())
	if err == nil {
		t.Fatal("Once succeeded with a destination missing")
	}
	if s, _ := status(rep, filepath.Base(src)); s != inbox.Failed {
		t.Fatalf("status %v, want failed", s)
	}
	if _, err := os.Stat(src); err != nil {
		t.Fatalf("the export was removed while a destination failed: %v", err)
	}
	holdsOnly(t, good, export)

	if err := os.Mkdir(unplugged, 0o700); err != nil {
		t.Fatal(err)
	}
	if rep := once(t, in); rep.Err() != nil {
		t.Fatal(rep.Err())
	}
	if _, err := os.Stat(src); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the export is still there: %v", err)
	}
	holdsOnly(t, good, export)
	holdsOnly(t, unplugged, export)
}

// TestOnlyExportsAreShipped: text files, hidden files and downloads in
// progress are never shipped, even when they hold a backup's bytes; a
// file that is not a backup is read and noted once.
func TestOnlyExportsAreShipped(t *testing.T) {
	t.Parallel()
	export := appExport(t, "v3", 0)
	f := newFixture(t)
	dest := t.TempDir()
	f.drop(t, "notes.txt", []byte("shopping list"))
	f.drop(t, "photo.zip", []byte("PK\x03\x04 not really a zip"))
	f.drop(t, ".hidden_backup", export)
	f.drop(t, "cake_wallet_backup.crdownload", export)
	damaged := bytes.Clone(export)
	damaged[len(damaged)/2] ^= 1
	f.drop(t, "cake_wallet_backup_damaged", damaged)
	var log bytes.Buffer
	in := f.inbox(dest)
	in.Log = slog.New(slog.NewTextHandler(&log, nil))
	rep := once(t, in)
	// Only the damaged export is worth a line.
	if strings.Count(log.String(), "\n") != 1 || !strings.Contains(log.String(), "cake_wallet_backup_damaged") || !strings.Contains(log.String(), "does not verify") {
		t.Errorf("log:\n%s", log.String())
	}
	for _, name := range []string{"notes.txt", "photo.zip"} {
		if s, _ := status(rep, name); s != inbox.NotBackup {
			t.Errorf("%s: status %v, want not a backup", name, s)
		}
	}
	if s, _ := status(rep, "cake_wallet_backup_damaged"); s != inbox.Damaged {
		t.Errorf("the damaged export: status %v, want damaged", s)
	}
	for _, name := range []string{".hidden_backup", "cake_wallet_backup.crdownload"} {
		if _, ok := status(rep, name); ok {
			t.Errorf("%s was looked at", name)
		}
	}
	holdsOnly(t, dest)
	// The next run (another watch --once, a watch job's next run) neither
	// reads nor notes them again.
	log.Reset()
	in = f.inbox(dest)
	in.Log = slog.New(slog.NewTextHandler(&log, nil))
	if rep := once(t, in); len(rep.Files) != 0 {
		t.Errorf("the second run looked again at %+v", rep.Files)
	}
	if log.Len() != 0 {
		t.Errorf("the second run logged:\n%s", log.String())
	}
	holdsOnly(t, dest)
}

// TestRetentionKeepsN: retention keeps the newest exports shipped to a
// destination, by the export's time, never touches other files there or
// the watched folder, and a pruned export is not shipped again.
func TestRetentionKeepsN(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dest := t.TempDir()
	if err := os.WriteFile(filepath.Join(dest, "cake_wallet_backup_2020-01-01_0000"), []byte("the owner's own file"), 0o600); err != nil {
		t.Fatal(err)
	}
	in := f.inbox(dest)
	in.Retention = schedule.Retention{KeepLast: 2}
	day := time.Date(2026, 11, 1, 9, 0, 0, 0, time.Local)
	var exports [][]byte
	for i := range 3 {
		e := appExport(t, "v3", i)
		exports = append(exports, e)
		p := f.drop(t, "export-"+string(rune('a'+i)), e)
		tm := day.AddDate(0, 0, i)
		if err := os.Chtimes(p, tm, tm); err != nil {
			t.Fatal(err)
		}
		if rep := once(t, in); rep.Err() != nil {
			t.Fatal(rep.Err())
		}
	}
	names := files(t, dest)
	if len(names) != 3 || !strings.Contains(strings.Join(names, " "), "cake_wallet_backup_2020-01-01_0000") {
		t.Fatalf("destination holds %v, want the owner's file and two exports", names)
	}
	if err := os.Remove(filepath.Join(dest, "cake_wallet_backup_2020-01-01_0000")); err != nil {
		t.Fatal(err)
	}
	holdsOnly(t, dest, exports[1], exports[2])
	if got := files(t, f.dir); len(got) != 3 {
		t.Fatalf("the watched folder holds %v, want the three exports", got)
	}
	// The pruned export, still in the folder, is not shipped again, not
	// even under another name.
	if err := os.Rename(filepath.Join(f.dir, "export-a"), filepath.Join(f.dir, "export-a-renamed")); err != nil {
		t.Fatal(err)
	}
	if rep := once(t, in); rep.Err() != nil {
		t.Fatal(rep.Err())
	}
	holdsOnly(t, dest, exports[1], exports[2])
}

// TestPollingFallback: with events off, polling alone finds an export.
func TestPollingFallback(t *testing.T) {
	t.Parallel()
	export := appExport(t, "v2", 0)
	f := newFixture(t)
	dest := t.TempDir()
	in := f.inbox(dest)
	in.PollOnly, in.Poll = true, 50*time.Millisecond
	w := watch(t, in)
	f.drop(t, "cake_wallet_backup_2026-12-01_1200", export)
	w.waitFor(t, "shipped by polling", func(r []*inbox.Report) bool {
		return count(r, "cake_wallet_backup_2026-12-01_1200", inbox.Shipped, -1) > 0
	})
	holdsOnly(t, dest, export)
}

// TestOneInboxAtATime: a second process on the same state file is told
// it is busy, and is not told it started; a destination that is the watched folder is refused.
func TestOneInboxAtATime(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dest := t.TempDir()
	w := watch(t, f.inbox(dest))
	w.waitFor(t, "a first pass", func(r []*inbox.Report) bool { return len(r) > 0 })
	second, started := f.inbox(dest), 0
	second.Started = func() { started++ }
	if _, err := second.Once(t.Context()); !errors.Is(err, inbox.ErrBusy) {
		t.Fatalf("second inbox: %v, want ErrBusy", err)
	}
	if started != 0 {
		t.Fatalf("a pass refused as busy called Started %d times", started)
	}
	w.stop()
	if _, err := second.Once(t.Context()); err != nil || started != 1 {
		t.Fatalf("once the folder is free: Once = %v, Started called %d times, want nil and 1", err, started)
	}
	if _, err := f.inbox(f.dir).Once(t.Context()); !errors.Is(err, inbox.ErrDestIsInbox) {
		t.Fatalf("inbox shipping to itself: %v, want ErrDestIsInbox", err)
	}
}

// TestDamagedStateFile: a state file that cannot be read stops the inbox
// with a line saying what to do, rather than shipping everything again.
func TestDamagedStateFile(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	if err := os.MkdirAll(filepath.Dir(f.state), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f.state, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := f.inbox(t.TempDir()).Once(t.Context())
	if err == nil || !strings.Contains(err.Error(), "damaged") || !strings.Contains(err.Error(), "remove it") {
		t.Fatalf("Once: %v", err)
	}
}

// TestPassFailuresMakeOneLine: a pass where several exports fail (a
// destination missing) ends with one error of one line, which says how
// many failed and names the first file, rather than every failure run
// together; the causes stay reachable with errors.Is.
func TestPassFailuresMakeOneLine(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for i, name := range []string{"export-a", "export-b"} {
		f.drop(t, name, snapshot(t, i))
	}
	missing := filepath.Join(t.TempDir(), "unplugged")
	_, err := f.inbox(missing).Once(t.Context())
	if err == nil {
		t.Fatal("Once succeeded with the destination missing")
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") || strings.Count(msg, "does not exist") != 1 ||
		!strings.Contains(msg, "2 ") || !strings.Contains(msg, "export-a") {
		t.Errorf("Once: %q, want one line counting 2 failures and naming export-a", msg)
	}
	if !errors.Is(err, destinations.ErrNotFound) {
		t.Errorf("Once: %v, want it to wrap destinations.ErrNotFound", err)
	}
}

// TestResultLeavesOutCopiesPrunedInThePass: when one pass ships two
// exports and retention removes the older copy at once, the result a
// watch job records (its last backup, what its hooks hear) names only
// copies that are still there.
func TestResultLeavesOutCopiesPrunedInThePass(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dest := t.TempDir()
	in := f.inbox(dest)
	in.Retention = schedule.Retention{KeepLast: 1}
	day := time.Date(2026, 11, 1, 9, 0, 0, 0, time.Local)
	for i, name := range []string{"export-a", "export-b"} {
		p := f.drop(t, name, snapshot(t, i))
		tm := day.AddDate(0, 0, i)
		if err := os.Chtimes(p, tm, tm); err != nil {
			t.Fatal(err)
		}
	}
	rep := once(t, in)
	if rep.Err() != nil {
		t.Fatal(rep.Err())
	}
	if len(rep.Pruned) != 1 {
		t.Fatalf("pruned %v, want the older copy", rep.Pruned)
	}
	copies := rep.Result().Copies
	if len(copies) != 1 || copies[0].Entry.Name != "export-b" {
		t.Errorf("result copies %+v, want only export-b's", copies)
	}
	if n := rep.Result().Pruned; n != 1 {
		t.Errorf("result counts %d pruned, want 1", n)
	}
	for _, c := range copies {
		if _, err := os.Stat(c.Entry.Location); err != nil {
			t.Errorf("the result names %s: %v", c.Entry.Location, err)
		}
	}
}

// TestStoppedShipmentIsNotLoggedAsAFailure: a watcher stopped (Ctrl-C,
// SIGTERM) while it ships logs no "ship failed" error for the export it
// was interrupted on; the next run ships it.
func TestStoppedShipmentIsNotLoggedAsAFailure(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	f.drop(t, "export-a", snapshot(t, 0))
	dest := t.TempDir()
	in := f.inbox(dest)
	var log bytes.Buffer
	in.Log = slog.New(slog.NewTextHandler(&log, nil))
	ctx, cancel := context.WithCancel(t.Context())
	open := in.Open
	in.Open = func(ctx context.Context, spec string) (destinations.Destination, error) {
		cancel() // the signal arrives as the shipment starts
		return open(ctx, spec)
	}
	if _, err := in.Once(ctx); err == nil {
		t.Fatal("Once succeeded though stopped")
	}
	if strings.Contains(log.String(), "level=ERROR") {
		t.Errorf("a stopped shipment was logged as an error:\n%s", log.String())
	}
	in.Open = open
	if rep := once(t, in); rep.Err() != nil {
		t.Fatal(rep.Err())
	}
	if got := files(t, dest); len(got) != 1 {
		t.Errorf("destination holds %v after the next run, want the export", got)
	}
}

// TestFailedDestinationNamedOnce: the "ship failed" line names each
// place once: a destination that is not there by the path its failure
// gives ("folder X does not exist"), not by its spec as well, beside a
// destination that got its copy, named by its spec.
func TestFailedDestinationNamedOnce(t *testing.T) {
	t.Parallel()
	for _, good := range []bool{false, true} {
		t.Run(fmt.Sprintf("with a good destination: %v", good), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			f.drop(t, "export-a", snapshot(t, 0))
			missing := filepath.Join(t.TempDir(), "unplugged")
			dests := []string{missing}
			if good {
				dests = append(dests, t.TempDir())
			}
			in := f.inbox(dests...)
			var log bytes.Buffer
			in.Log = slog.New(slog.NewTextHandler(&log, nil))
			if _, err := in.Once(t.Context()); err == nil {
				t.Fatal("Once succeeded with the destination missing")
			}
			var line string
			for _, l := range strings.Split(log.String(), "\n") {
				if strings.Contains(l, "ship failed") {
					line = l
				}
			}
			if line == "" {
				t.Fatalf("no ship failed line in:\n%s", log.String())
			}
			if n := strings.Count(line, missing); n != 1 || !strings.Contains(line, "FAILED: folder "+missing+" does not exist") {
				t.Errorf("%q names %s %d times, want once, as FAILED", line, missing, n)
			}
			if good {
				if n := strings.Count(line, dests[1]); n != 1 || !strings.Contains(line, "folder:"+dests[1]+" verified as export-a") {
					t.Errorf("%q names %s %d times, want once, as verified", line, dests[1], n)
				}
			}
			want := 1 // file=
			if good {
				want++ // and the copy's name
			}
			if n := strings.Count(line, "export-a"); n != want {
				t.Errorf("%q names export-a %d times, want %d", line, n, want)
			}
		})
	}
}

// TestNotBackupReasonNamesFileOnce: the log line of a file left alone
// gives the file in file= and, in reason=, why alone, not the file's
// full path again.
func TestNotBackupReasonNamesFileOnce(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	path := f.drop(t, "notes.txt", []byte("shopping list"))
	in := f.inbox(t.TempDir())
	var log bytes.Buffer
	in.Log = slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if rep := once(t, in); rep.Err() != nil {
		t.Fatal(rep.Err())
	}
	var line string
	for _, l := range strings.Split(log.String(), "\n") {
		if strings.Contains(l, "file=notes.txt") && strings.Contains(l, "reason=") {
			line = l
		}
	}
	if line == "" {
		t.Fatalf("no line with file=notes.txt and a reason in:\n%s", log.String())
	}
	if strings.Contains(line, path) {
		t.Errorf("%q gives the file's path again in its reason", line)
	}
}

// TestRetentionDatesByTheExportsOwnTime: retention keeps the exports the
// app made last (by the creation time each export carries), not those
// whose file in the folder happens to be newer: exports copied in at once
// share one time, and an old export copied in later has the newest.
// Keeping the wrong one would leave the newest backup only in the folder;
// --remove-after-send keeps the export pruned there.
func TestRetentionDatesByTheExportsOwnTime(t *testing.T) {
	t.Parallel()
	day := time.Date(2026, 11, 1, 9, 0, 0, 0, time.Local)
	tests := []struct {
		name  string
		mtime func(i int) time.Time // of the i-th export made
	}{
		{"copied in at once", func(int) time.Time { return day }},
		{"copied in newest first", func(i int) time.Time { return day.AddDate(0, 0, -i) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			dest := t.TempDir()
			in := f.inbox(dest)
			in.Retention = schedule.Retention{KeepLast: 2}
			in.RemoveAfterSend = true
			var exports [][]byte
			for i, name := range []string{"export-a", "export-b", "export-c"} {
				e := snapshot(t, i) // made in this order, so dated in it
				exports = append(exports, e)
				p := f.drop(t, name, e)
				if err := os.Chtimes(p, tt.mtime(i), tt.mtime(i)); err != nil {
					t.Fatal(err)
				}
			}
			if rep := once(t, in); rep.Err() != nil {
				t.Fatal(rep.Err())
			}
			holdsOnly(t, dest, exports[1], exports[2])
			// The pruned export is kept in the folder, not lost.
			holdsOnly(t, f.dir, exports[0])
		})
	}
}

// TestRemoveAfterSendKeepsWhatRetentionPrunes: an old export copied into
// the folder today is shipped, and retention removes its copies at once
// as older than the ones it keeps; --remove-after-send then leaves it in
// the folder (else it would be nowhere), says why once at WARN, naming
// the destinations, and neither ships it again nor says it again, in the
// same run or a later one.
func TestRemoveAfterSendKeepsWhatRetentionPrunes(t *testing.T) {
	t.Parallel()
	old := snapshot(t, 0) // made first, so dated first
	newer := [][]byte{snapshot(t, 1), snapshot(t, 2)}
	for _, n := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d destinations", n), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			var dests []string
			for range n {
				dests = append(dests, t.TempDir())
			}
			var log bytes.Buffer
			in := f.inbox(dests...)
			in.Retention = schedule.Retention{KeepLast: 2}
			in.RemoveAfterSend = true
			in.Log = slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelWarn}))
			f.drop(t, "export-b", newer[0])
			f.drop(t, "export-c", newer[1])
			if rep := once(t, in); rep.Err() != nil {
				t.Fatal(rep.Err())
			}
			holdsOnly(t, f.dir)
			f.drop(t, "export-old", old)
			rep := once(t, in)
			if rep.Err() != nil {
				t.Fatal(rep.Err())
			}
			var got inbox.File
			for _, file := range rep.Files {
				if filepath.Base(file.Path) == "export-old" {
					got = file
				}
			}
			if got.Status != inbox.Shipped || got.Removed || got.Kept == "" || len(rep.Pruned) != n {
				t.Errorf("export-old: status %v, removed %v, kept %q; pruned %v", got.Status, got.Removed, got.Kept, rep.Pruned)
			}
			holdsOnly(t, f.dir, old)
			for _, d := range dests {
				holdsOnly(t, d, newer...)
			}
			lines := strings.Split(strings.TrimSpace(log.String()), "\n")
			if len(lines) != 1 || !strings.Contains(lines[0], "level=WARN") || !strings.Contains(lines[0], "kept in "+f.dir) || !strings.Contains(lines[0], "file=export-old") {
				t.Fatalf("log, want one warning:\n%s", log.String())
			}
			for _, d := range dests {
				if !strings.Contains(lines[0], "folder:"+d) {
					t.Errorf("%q does not name folder:%s", lines[0], d)
				}
			}
			// The same run's next pass, and a later run, neither ship it
			// again nor say it again.
			for _, again := range []*inbox.Inbox{in, f.inbox(dests...)} {
				log.Reset()
				again.Retention, again.RemoveAfterSend = in.Retention, true
				again.Log = slog.New(slog.NewTextHandler(&log, nil))
				rep := once(t, again)
				if rep.Err() != nil || len(rep.Files) != 0 || len(rep.Pruned) != 0 {
					t.Errorf("again: files %+v, pruned %v, err %v", rep.Files, rep.Pruned, rep.Err())
				}
				if log.Len() != 0 {
					t.Errorf("again, logged:\n%s", log.String())
				}
				holdsOnly(t, f.dir, old)
				for _, d := range dests {
					holdsOnly(t, d, newer...)
				}
			}
		})
	}
}

// creating is a folder destination that calls before as each copy
// starts.
type creating struct {
	*local.Folder
	before func()
}

func (c creating) Create(ctx context.Context, name string, size int64) (destinations.Pending, error) {
	c.before()
	return c.Folder.Create(ctx, name, size)
}

// TestStateRecordsEachCopyAsItIsShipped: the state file records a copy as
// soon as it is verified at its destination, before the pass goes on (to
// remove the export from the folder, to ship the next one). A run killed
// later in the pass (kill -9, power lost) left copies that no state named:
// retention never pruned them, and a re-run found them "already there",
// not its own.
func TestStateRecordsEachCopyAsItIsShipped(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	dest := t.TempDir()
	in := f.inbox(dest)
	in.RemoveAfterSend = true
	f.drop(t, "export-a", snapshot(t, 0))
	f.drop(t, "export-b", snapshot(t, 1))
	var looked int
	open := in.Open
	in.Open = func(ctx context.Context, spec string) (destinations.Destination, error) {
		d, err := open(ctx, spec)
		if err != nil {
			return nil, err
		}
		return creating{d.(*local.Folder), func() {
			// What a kill at this moment leaves: a copy at the
			// destination that the state file must know.
			for _, name := range files(t, dest) {
				if strings.HasPrefix(name, ".") {
					continue
				}
				looked++
				b, err := os.ReadFile(f.state)
				if err != nil || !strings.Contains(string(b), `"name": "`+name+`"`) {
					t.Errorf("with %s stored at the destination, the state file (%v) does not name it:\n%s", name, err, b)
				}
			}
		}}, nil
	}
	if rep := once(t, in); rep.Err() != nil {
		t.Fatal(rep.Err())
	}
	if looked == 0 {
		t.Fatal("no copy was started after the first copy was stored")
	}
	holdsOnly(t, f.dir)
}
