//go:build unix

package regularfile

import (
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// TestRead: a regular file is read whole; a folder (one this user may
// not open too), a FIFO (not waited on), a device (/dev/zero, not read
// without end), a socket (which no open opens) and a file over the
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
	locked := filepath.Join(dir, "locked")
	if err := os.Mkdir(locked, 0o000); err != nil {
		t.Fatal(err)
	}
	socket := filepath.Join(dir, "socket")
	l, err := net.Listen("unix", socket)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
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
		{locked, 1 << 20, ErrFolder}, // not opened unless by root, still a folder
		{fifo, 1 << 20, ErrNotRegular},
		{"/dev/zero", 1 << 20, ErrNotRegular},
		{"/dev/null", 1 << 20, ErrNotRegular},
		{socket, 1 << 20, ErrNotRegular},
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

// TestOpenFIFONoWriter: the one open Read makes returns at once on a
// FIFO that no process writes to (a plain open would wait for a writer,
// and this test with it, until go test's timeout), giving the FIFO
// itself, which Read then refuses; so does Read of a link to it, which
// a look at the link alone would not tell from a regular file.
func TestOpenFIFONoWriter(t *testing.T) {
	t.Parallel()
	fifo, link := fifoAndLink(t)
	for _, path := range []string{fifo, link} {
		f, err := open(path)
		if err != nil {
			t.Fatalf("open(%s): %v", path, err)
		}
		fi, err := f.Stat()
		f.Close()
		if err != nil {
			t.Fatalf("stat of open(%s): %v", path, err)
		}
		if fi.Mode().Type() != fs.ModeNamedPipe {
			t.Errorf("open(%s) gave a file of mode %v; want the FIFO", path, fi.Mode())
		}
		if b, err := Read(path, 1<<20); b != nil || !errors.Is(err, ErrNotRegular) || err.Error() != "not a regular file" {
			t.Errorf("Read(%s) = %q, %v; want %v", path, b, err, ErrNotRegular)
		}
	}
}

// TestOpenedBlocking: the file openRegular gives is read as any file
// is, without O_NONBLOCK, which it was opened with only so that opening
// a FIFO would not wait. No local file system heeds the flag on a
// regular file, but a FUSE one is handed it and may answer a read it
// cannot serve at once with EAGAIN, which Go, that cannot wait on a
// regular file, would return as the read's error.
func TestOpenedBlocking(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := openRegular(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	flags, err := unix.FcntlInt(f.Fd(), unix.F_GETFL, 0)
	if err != nil {
		t.Fatal(err)
	}
	if flags&unix.O_NONBLOCK != 0 {
		t.Errorf("the opened file's flags are %#x, with O_NONBLOCK (%#x)", flags, unix.O_NONBLOCK)
	}
}

// fifoAndLink makes, in a new folder, a FIFO that no process writes to
// and a link to it named as a settings file.
func fifoAndLink(t *testing.T) (fifo, link string) {
	t.Helper()
	dir := t.TempDir()
	fifo = filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	link = filepath.Join(dir, "settings.json")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	return fifo, link
}
