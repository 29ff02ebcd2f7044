package backup

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/zeebo/xxh3"
)

// fileTimes is an fs.FileInfo with only a modification time (and so no
// status change time).
type fileTimes struct {
	fs.FileInfo
	mtime time.Time
}

func (f fileTimes) ModTime() time.Time { return f.mtime }
func (fileTimes) Sys() any             { return nil }

// needsReread: a file whose last change is less than FAT's 2 s step (and
// a margin) before its read began, or after it, is read again; an older
// one is not.
func TestNeedsReread(t *testing.T) {
	start := time.Date(2026, 12, 3, 4, 0, 10, 0, time.UTC)
	for _, tc := range []struct {
		name  string
		mtime time.Time
		want  bool
	}{
		{"an hour before", start.Add(-time.Hour), false},
		{"3 s before", start.Add(-3 * time.Second), false},
		{"2.2 s before", start.Add(-2200 * time.Millisecond), false},
		{"2 s before (FAT's step)", start.Add(-2 * time.Second), true},
		{"1 ms before", start.Add(-time.Millisecond), true},
		{"at the start", start, true},
		{"after the start (another clock)", start.Add(time.Minute), true},
	} {
		if got := needsReread(fileTimes{mtime: tc.mtime}, start); got != tc.want {
			t.Errorf("%s: needsReread = %v, want %v", tc.name, got, tc.want)
		}
	}

	// A file written just now whose modification time was set back: its
	// status change time, where the system keeps one, is recent.
	path := filepath.Join(t.TempDir(), "wallet")
	if err := os.WriteFile(path, []byte("keys"), 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	fi := stat(t, path)
	if got, want := needsReread(fi, time.Now()), !changeTime(fi).IsZero(); got != want {
		t.Errorf("a file just written, its modification time set back: needsReread = %v, want %v", got, want)
	}
}

// checkReread passes a file whose bytes read again are the ones hashed
// on the first read, and fails with a *ChangedError one whose bytes are
// not (as when a write left its times as they were) or that is gone.
func TestCheckReread(t *testing.T) {
	content := []byte("the wallet as it was read the first time")
	for _, tc := range []struct {
		name    string
		hashed  []byte // what the first read hashed
		remove  bool
		changed bool
	}{
		{"same bytes", content, false, false},
		{"other bytes, same size", []byte("the wallet as it was READ the first time"), false, true},
		{"fewer bytes", content[:10], false, true},
		{"gone", content, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "wallet")
			if err := os.WriteFile(path, content, 0o600); err != nil {
				t.Fatal(err)
			}
			before := stat(t, path)
			if tc.remove {
				if err := os.Remove(path); err != nil {
					t.Fatal(err)
				}
			}
			err := checkReread(t.Context(), path, before, xxh3.Hash128(tc.hashed), &copyBuffers{})
			var ce *ChangedError
			if got := err != nil; got != tc.changed || (tc.changed && (!errors.As(err, &ce) || ce.Path != path)) {
				t.Fatalf("checkReread = %v, want changed=%v (a *ChangedError for %s)", err, tc.changed, path)
			}
		})
	}
}
