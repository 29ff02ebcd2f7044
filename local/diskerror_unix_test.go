//go:build unix

package local

import (
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/destinations"
	"golang.org/x/sys/unix"
)

// TestExplain covers the system errors that the mount-based fault tests
// cannot produce as root (EACCES, EIO, ENODEV, EFBIG, EDQUOT).
func TestExplain(t *testing.T) {
	tests := []struct {
		errno unix.Errno
		want  string
		is    error
	}{
		{unix.ENOSPC, "writing x: the drive is full (no space left on device)", destinations.ErrNoSpace},
		{unix.EDQUOT, "writing x: the drive is full (disk quota exceeded)", destinations.ErrNoSpace},
		{unix.EROFS, "writing x: the drive is read-only (read-only file system)", destinations.ErrReadOnly},
		{unix.EACCES, "writing x: no permission to write there (permission denied)", destinations.ErrReadOnly},
		{unix.EIO, "writing x: the drive could not be read or written; was it unplugged? (input/output error)", nil},
		{unix.ENODEV, "writing x: the drive was removed or unmounted (no such device)", nil},
		// A FUSE file system (fusefat, an MTP phone, sshfs) whose daemon
		// died or was unmounted under the writer.
		{unix.ENOTCONN, "writing x: the drive was removed or unmounted (transport endpoint is not connected)", nil},
		{unix.EFBIG, "writing x: the file is too large for this drive's file system (file too large)", nil},
		{unix.ENOTDIR, "writing x: a part of the path is a file, not a folder (not a directory)", nil},
		{unix.EBADF, "writing x: failed (bad file descriptor)", nil},
	}
	for _, tt := range tests {
		t.Run(tt.errno.Error(), func(t *testing.T) {
			sys := &fs.PathError{Op: "write", Path: "/media/STICK/.x" + tempMarker + "1", Err: tt.errno}
			err := explain("writing x", sys)
			if err.Error() != tt.want {
				t.Fatalf("explain = %q, want %q", err, tt.want)
			}
			if !errors.Is(err, tt.errno) {
				t.Fatal("the system error is not wrapped")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Fatalf("does not wrap %v", tt.is)
			}
			for _, s := range []error{destinations.ErrNoSpace, destinations.ErrReadOnly} {
				if s != tt.is && errors.Is(err, s) {
					t.Fatalf("wraps %v too", s)
				}
			}
			if again := explain("other", err); again != err {
				t.Fatalf("explaining twice gives %q", again)
			}
		})
	}
	if explain("x", nil) != nil || explainRead("x", nil) != nil {
		t.Fatal("explain(nil) is not nil")
	}
	// A refused read is said as one, and is no read-only destination.
	for _, errno := range []unix.Errno{unix.EACCES, unix.EPERM} {
		read := explainRead("listing /media/STICK", &fs.PathError{Op: "open", Path: "/media/STICK", Err: errno})
		if want := "listing /media/STICK: no permission to read there (" + errno.Error() + ")"; read.Error() != want {
			t.Errorf("explainRead = %q, want %q", read, want)
		}
		if errors.Is(read, destinations.ErrReadOnly) || !errors.Is(read, fs.ErrPermission) {
			t.Errorf("explainRead(%v) wraps ErrReadOnly, or not fs.ErrPermission", errno)
		}
	}
	file := explainReadFile("opening /media/STICK/b", &fs.PathError{Op: "open", Path: "/media/STICK/b", Err: unix.EACCES})
	if want := "opening /media/STICK/b: no permission to read it (permission denied)"; file.Error() != want {
		t.Errorf("explainReadFile = %q, want %q", file, want)
	}
	if read := explainRead("listing x", &fs.PathError{Op: "open", Path: "x", Err: unix.ENOSPC}); !errors.Is(read, destinations.ErrNoSpace) {
		t.Errorf("explainRead of another error = %q, not as explain's", read)
	}
	gone := explain("saving x", &fs.PathError{Op: "stat", Path: "/media/STICK", Err: errDriveGone})
	if !strings.Contains(gone.Error(), "the drive was removed or unmounted") {
		t.Fatalf("explain(errDriveGone) = %q", gone)
	}
	if !errors.Is(explain("x", &os.LinkError{Op: "rename", Old: "a", New: "b", Err: unix.ENOSPC}), destinations.ErrNoSpace) {
		t.Fatal("a LinkError's errno is not seen")
	}
}
