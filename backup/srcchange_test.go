package backup

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/internal/wallettest"
)

// TestWriteSourceChanged changes a wallet file while Write reads it, from
// OnProgress, which Write calls as the file's first bytes go in: the
// backup must fail with a *ChangedError naming the file, whose bytes
// could otherwise mix two versions. A file left alone backs up and
// restores byte for byte. Each change is made to a small file (read at
// once) and to a large one (read ahead, in several blocks). A file
// renamed over, or deleted and created again, "was replaced"; one
// written in place "changed".
func TestWriteSourceChanged(t *testing.T) {
	// The file's modification time is set in the past, so that a write
	// moves it whatever the file system's timestamp granularity.
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, size := range []int{64 << 10, 2*readBlock + 1<<20} {
		for _, tc := range []struct {
			name string
			// change changes the file at path while it is read; it
			// reports false when the change cannot be seen here.
			change            func(t *testing.T, path string) bool
			changed, replaced bool
		}{
			{"left alone", func(*testing.T, string) bool { return true }, false, false},
			{"rewritten in place", func(t *testing.T, path string) bool {
				writeAt(t, path, 10, []byte("torn"))
				return true
			}, true, false},
			{"grew", func(t *testing.T, path string) bool {
				writeAt(t, path, int64(size), bytes.Repeat([]byte{1}, 1<<20))
				return true
			}, true, false},
			{"shrank", func(t *testing.T, path string) bool {
				if err := os.Truncate(path, int64(size/2)); err != nil {
					t.Fatal(err)
				}
				return true
			}, true, false},
			{"rewritten, modification time set back", func(t *testing.T, path string) bool {
				before := stat(t, path)
				writeAt(t, path, 10, []byte("torn"))
				if err := os.Chtimes(path, old, old); err != nil {
					t.Fatal(err)
				}
				// Only the status change time (ctime) shows this, where
				// the system has one fine enough.
				return !changeTime(stat(t, path)).Equal(changeTime(before))
			}, true, false},
			{"renamed over", func(t *testing.T, path string) bool {
				// As an app saving to a new file and renaming it into
				// place: the file being read keeps its bytes, but the
				// wallet is now another file.
				tmp := path + ".tmp"
				if err := os.WriteFile(tmp, []byte("saved anew"), 0o600); err != nil {
					t.Fatal(err)
				}
				if err := os.Rename(tmp, path); err != nil {
					t.Fatal(err)
				}
				return true
			}, true, true},
			{"deleted and created again", func(t *testing.T, path string) bool {
				if err := os.Remove(path); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte("saved anew"), 0o600); err != nil {
					t.Fatal(err)
				}
				return true
			}, true, true},
		} {
			t.Run(tc.name+"/"+fmtSize(size), func(t *testing.T) {
				content := wallettest.RandomBytes(t, size)
				dir := wallettest.Folder(t, map[string][]byte{
					"wallets/monero/a/a":      content,
					"wallets/monero/a/a.keys": []byte("keys"),
				})
				path := filepath.Join(dir, "wallets", "monero", "a", "a")
				if err := os.Chtimes(path, old, old); err != nil {
					t.Fatal(err)
				}
				src, err := Collect(t.Context(), dir, "")
				if err != nil {
					t.Fatal(err)
				}
				calls, seen := 0, false
				onProgress := func(int64) {
					if calls++; calls == 1 { // the first piece of a, the first file
						seen = tc.change(t, path)
					}
				}
				before := runtime.NumGoroutine()
				var buf bytes.Buffer
				_, err = Write(t.Context(), &buf, src, WriteOptions{Password: testPassword, chunkSize: 1 << 20, OnProgress: onProgress, salt: testSalt, keys: testKeys})
				waitGoroutines(t, before)
				if !seen {
					t.Skip("this file system's timestamps are too coarse to show the change")
				}
				if !tc.changed {
					if err != nil {
						t.Fatal(err)
					}
					a, err := openBytes(buf.Bytes())
					if err != nil {
						t.Fatal(err)
					}
					shareKeys(a, testKeys) // Write sealed with them
					to := filepath.Join(t.TempDir(), "restored")
					if err := a.Restore(t.Context(), testPassword, to); err != nil {
						t.Fatal(err)
					}
					if got := readTree(t, to)["wallets/monero/a/a"]; !bytes.Equal(got, content) {
						t.Errorf("restored %d bytes, not the %d backed up", len(got), len(content))
					}
					return
				}
				var ce *ChangedError
				if !errors.As(err, &ce) || ce.Path != path || ce.Replaced != tc.replaced || !errors.Is(err, ErrSourceChanged) {
					t.Fatalf("got %#v (%v), want a *ChangedError for %s, Replaced %v", ce, err, path, tc.replaced)
				}
				what := path + " changed while"
				if tc.replaced {
					what = path + " was replaced while"
				}
				if msg := err.Error(); !strings.HasPrefix(msg, what) || !strings.Contains(msg, "run the backup again") {
					t.Errorf("message %q does not start %q and say what to do", msg, what)
				}
			})
		}
	}
}

// writeAt writes b into the file at path at off, as a wallet app saving
// in place does.
func writeAt(t *testing.T, path string, off int64, b []byte) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt(b, off); err != nil {
		t.Fatal(err)
	}
}

func stat(t *testing.T, path string) os.FileInfo {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi
}

// fmtSize names a test's file size.
func fmtSize(n int) string {
	if n >= readBlock {
		return "large"
	}
	return "small"
}

// TestChangedErrorMessage: the error names the file on one line (a
// newline in its folder's name is quoted) and says whether it changed or
// was replaced.
func TestChangedErrorMessage(t *testing.T) {
	for _, tc := range []struct {
		err  *ChangedError
		want string
	}{
		{&ChangedError{Path: "/home/u/cake/wallets/monero/a/a"}, "/home/u/cake/wallets/monero/a/a changed while it was being backed up: "},
		{&ChangedError{Path: "/home/u/cake/wallets/monero/a/a", Replaced: true}, "/home/u/cake/wallets/monero/a/a was replaced while it was being backed up: "},
		{&ChangedError{Path: "/home/u/new\nline/wallets/monero/a/a"}, `"/home/u/new\nline/wallets/monero/a/a" changed while it was being backed up: `},
	} {
		if got := tc.err.Error(); !strings.HasPrefix(got, tc.want) || strings.Contains(got, "\n") {
			t.Errorf("%#v: %q, want one line starting %q", tc.err, got, tc.want)
		}
	}
}
