//go:build unix

package regularfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestRead: a regular file is read whole; a folder, a FIFO (not waited
// on), a device (/dev/zero, not read without end) and a file over the
// bound are refused with their sentinel; the system's errors come
// without "open PATH: " or "stat PATH: ".
func TestRead(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ok := filepath.Join(dir, "ok")
	if err := os.WriteFile(ok, []byte("12345"), 0o600); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	loop := filepath.Join(dir, "loop")
	if err := os.Symlink(loop, loop); err != nil {
		t.Fatal(err)
	}
	if b, err := Read(ok, 5); err != nil || string(b) != "12345" {
		t.Errorf("Read(5 bytes, max 5) = %q, %v", b, err)
	}
	for _, tc := range []struct {
		path string
		max  int64
		want error
	}{
		{ok, 4, ErrTooBig},
		{dir, 1 << 20, ErrFolder},
		{fifo, 1 << 20, ErrNotRegular},
		{"/dev/zero", 1 << 20, ErrNotRegular},
		{"/dev/null", 1 << 20, ErrNotRegular},
		{loop, 1 << 20, syscall.ELOOP},
		{filepath.Join(dir, "missing"), 1 << 20, fs.ErrNotExist},
		{filepath.Join(ok, "under"), 1 << 20, syscall.ENOTDIR},
	} {
		b, err := Read(tc.path, tc.max)
		if b != nil || !errors.Is(err, tc.want) || strings.Contains(err.Error(), dir) {
			t.Errorf("Read(%s, %d) = %q, %v; want %v, without the path", tc.path, tc.max, b, err, tc.want)
		}
	}
}
