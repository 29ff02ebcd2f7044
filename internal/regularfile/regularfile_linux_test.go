package regularfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// TestNotRegularNotOpened: Read refuses a FIFO and a link to it without
// opening it, as opening some devices has effects (a watchdog starts
// counting, a tape rewinds): inotify, which queues IN_OPEN in the open
// call itself, sees no open of the FIFO. A regular file is opened, which
// shows the watch sees opens.
func TestNotRegularNotOpened(t *testing.T) {
	t.Parallel()
	fifo, link := fifoAndLink(t)
	regular := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(regular, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		watch, read string
		opened      bool
		err         error
	}{
		{watch: fifo, read: fifo, err: ErrNotRegular},
		{watch: fifo, read: link, err: ErrNotRegular},
		{watch: regular, read: regular, opened: true},
	} {
		fd, err := unix.InotifyInit1(unix.IN_NONBLOCK | unix.IN_CLOEXEC)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := unix.InotifyAddWatch(fd, tc.watch, unix.IN_OPEN); err != nil {
			unix.Close(fd)
			t.Fatal(err)
		}
		_, rerr := Read(tc.read, 1<<20)
		buf := make([]byte, 4096)
		n, err := unix.Read(fd, buf)
		unix.Close(fd)
		opened := n > 0
		if err != nil && !errors.Is(err, unix.EAGAIN) {
			t.Fatalf("reading inotify events: %v", err)
		}
		if !errors.Is(rerr, tc.err) || (tc.err == nil) != (rerr == nil) {
			t.Errorf("Read(%s): %v; want %v", tc.read, rerr, tc.err)
		}
		if opened != tc.opened {
			t.Errorf("Read(%s) opened %s: %v; want %v", tc.read, tc.watch, opened, tc.opened)
		}
	}
}
