package job_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/internal/wallettest"
	"github.com/cakebackup/cakebackup/job"
)

// savedDuring returns OnCollected and OnProgress hooks that, in each of
// the first n attempts, append to the file at path as its first bytes go
// into the backup, as a wallet app saving it would: the read of that
// attempt sees the file change (its size) and fails. collected counts
// the attempts.
func savedDuring(t *testing.T, path string, n int) (onCollected func(*backup.Source), onProgress func(int64), collected *int) {
	attempts, changed := 0, false
	onCollected = func(*backup.Source) { attempts, changed = attempts+1, false }
	onProgress = func(int64) {
		if changed || attempts > n {
			return
		}
		changed = true
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.Write([]byte("saved meanwhile")); err != nil {
			t.Fatal(err)
		}
	}
	return onCollected, onProgress, &attempts
}

// retry is one OnRetry call.
type retry struct {
	attempt, of int
	wait        time.Duration
}

// TestMakeRetriesAChangedSource changes a real wallet file while Make
// reads it, in one attempt or more: Make tries again under the same
// name, password and time; the backup of a later attempt is the only
// file at each destination, dated the time Make was given, and restores
// the file as it is now. When every attempt sees a change, Make fails
// with the *backup.ChangedError and leaves nothing at any destination.
func TestMakeRetriesAChangedSource(t *testing.T) {
	waits := []time.Duration{time.Millisecond, 2 * time.Millisecond}
	for _, tc := range []struct {
		name     string
		waits    []time.Duration
		changes  int // attempts that see the file change
		attempts int
		retries  []retry
		fails    bool
	}{
		{"changed once", waits, 1, 2, []retry{{2, 3, waits[0]}}, false},
		{"changed twice", waits, 2, 3, []retry{{2, 3, waits[0]}, {3, 3, waits[1]}}, false},
		{"changed every time", waits, 3, 3, []retry{{2, 3, waits[0]}, {3, 3, waits[1]}}, true},
		{"no retry asked for", []time.Duration{}, 1, 1, nil, true},
		{"left alone", waits, 0, 1, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := wallettest.Folder(t, map[string][]byte{
				"wallets/monero/a/a":      wallettest.RandomBytes(t, 64<<10),
				"wallets/monero/a/a.keys": []byte("keys"),
			})
			path := filepath.Join(dir, "wallets", "monero", "a", "a")
			outs := []string{t.TempDir(), t.TempDir()}
			onCollected, onProgress, collected := savedDuring(t, path, tc.changes)
			var retries []retry
			now := time.Date(2026, 12, 3, 4, 5, 6, 0, time.UTC)
			made, err := job.Make(t.Context(), opener(), job.Backup{
				Source: dir, Dests: []string{"folder:" + outs[0], "folder:" + outs[1]},
				Password: savePassword, Now: now, RetryWaits: tc.waits,
				OnCollected: onCollected, OnProgress: onProgress,
				OnRetry: func(attempt, of int, wait time.Duration, err error) {
					// Every pending copy of the failed attempt is gone
					// before the wait.
					for _, out := range outs {
						assertEmpty(t, out)
					}
					retries = append(retries, retry{attempt, of, wait})
					if ce := (*backup.ChangedError)(nil); !errors.As(err, &ce) || ce.Path != path {
						t.Errorf("OnRetry got %v, want a *backup.ChangedError for %s", err, path)
					}
				},
			})
			if *collected != tc.attempts {
				t.Errorf("source collected %d times, want %d", *collected, tc.attempts)
			}
			if !slices.Equal(retries, tc.retries) {
				t.Errorf("retries %v, want %v", retries, tc.retries)
			}
			if tc.fails {
				var ce *backup.ChangedError
				if made != nil || !errors.As(err, &ce) || ce.Path != path {
					t.Fatalf("got %+v, %v; want a *backup.ChangedError for %s", made, err, path)
				}
				for _, out := range outs {
					assertEmpty(t, out)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			name := job.BackupName("", now)
			var first []byte
			for i, out := range outs {
				entries, err := os.ReadDir(out)
				if err != nil {
					t.Fatal(err)
				}
				if len(entries) != 1 || entries[0].Name() != name || made.Stores[i].Entry.Name != name {
					t.Fatalf("%s holds %v (stored as %q), want only %s", out, entries, made.Stores[i].Entry.Name, name)
				}
				// The first copy restores the file as it is now; the
				// second, the same bytes, would too (a restore derives a
				// key, some 50 ms).
				got, err := os.ReadFile(filepath.Join(out, name))
				if err != nil {
					t.Fatal(err)
				}
				if i == 0 {
					first = got
					restoreAndCompare(t, filepath.Join(out, name), dir)
				} else if !bytes.Equal(got, first) {
					t.Errorf("%s holds other bytes than %s", filepath.Join(out, name), filepath.Join(outs[0], name))
				}
				assertMadeAt(t, filepath.Join(out, name), now)
			}
		})
	}
}

// TestMakeRetryWaitCancelled cancels the context while Make waits to try
// again: Make returns the context's error without waiting out the wait
// (an hour), and leaves nothing behind.
func TestMakeRetryWaitCancelled(t *testing.T) {
	dir := wallettest.Folder(t, map[string][]byte{"wallets/monero/a/a": wallettest.RandomBytes(t, 64<<10)})
	path := filepath.Join(dir, "wallets", "monero", "a", "a")
	out := t.TempDir()
	onCollected, onProgress, collected := savedDuring(t, path, 3)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	retries := 0
	made, err := job.Make(ctx, opener(), job.Backup{
		Source: dir, Dests: []string{"folder:" + out}, Password: savePassword,
		RetryWaits:  []time.Duration{time.Hour, time.Hour},
		OnCollected: onCollected, OnProgress: onProgress,
		OnRetry: func(int, int, time.Duration, error) { retries++; cancel() },
	})
	if made != nil || !errors.Is(err, context.Canceled) {
		t.Fatalf("got %+v, %v; want context.Canceled", made, err)
	}
	if retries != 1 || *collected != 1 {
		t.Errorf("%d retries, %d attempts; want 1 and 1", retries, *collected)
	}
	assertEmpty(t, out)
}

func TestRetryNote(t *testing.T) {
	changed := &backup.ChangedError{Path: "/home/u/cake/wallets/monero/a/a"}
	for _, tc := range []struct {
		attempt, of int
		wait        time.Duration
		err         error
		want        string
	}{
		{2, 3, 2 * time.Second, changed, "/home/u/cake/wallets/monero/a/a changed while it was being read; trying again in 2 s (attempt 2 of 3)"},
		{3, 3, 5 * time.Second, changed, "/home/u/cake/wallets/monero/a/a changed while it was being read; trying again in 5 s (attempt 3 of 3)"},
		{2, 4, 1500 * time.Millisecond, changed, "/home/u/cake/wallets/monero/a/a changed while it was being read; trying again in 1.5 s (attempt 2 of 4)"},
		{2, 3, time.Millisecond, changed, "/home/u/cake/wallets/monero/a/a changed while it was being read; trying again in 1 ms (attempt 2 of 3)"},
		{2, 3, 2 * time.Second, &backup.ChangedError{Path: "/w/a", Replaced: true}, "/w/a was replaced while it was being read; trying again in 2 s (attempt 2 of 3)"},
		{2, 3, 2 * time.Second, &backup.ChangedError{Path: "/w/a\nb"}, `"/w/a\nb" changed while it was being read; trying again in 2 s (attempt 2 of 3)`},
		{2, 3, time.Second, backup.ErrSourceChanged, "a file changed while it was being read; trying again in 1 s (attempt 2 of 3)"},
	} {
		if got := job.RetryNote(tc.attempt, tc.of, tc.wait, tc.err); got != tc.want {
			t.Errorf("RetryNote(%d, %d, %v, %v)\n got %q\nwant %q", tc.attempt, tc.of, tc.wait, tc.err, got, tc.want)
		}
	}
}

// assertMadeAt checks that every entry of the backup file (the outer
// ZIP: the data and README.txt) is dated now, the time Make was given.
func assertMadeAt(t *testing.T, file string, now time.Time) {
	t.Helper()
	z, err := zip.OpenReader(file)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	for _, f := range z.File {
		if !f.Modified.Equal(now) {
			t.Errorf("%s in %s is dated %v, want %v", f.Name, file, f.Modified, now)
		}
	}
}
