//go:build unix

package job_test

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/cakebackup/cakebackup/job"
)

// TestCheckSettingsReadsOnlyARegularFile: a settings path that is a
// folder, a FIFO or a device is refused at once as no settings JSON,
// never waited on (a FIFO without a writer) or read without end
// (/dev/zero); a file over MaxSettingsSize is refused unread; and one
// that cannot be opened is "PATH: why", not "open PATH: why".
func TestCheckSettingsReadsOnlyARegularFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(big, job.MaxSettingsSize+1); err != nil {
		t.Fatal(err)
	}
	loop := filepath.Join(dir, "loop")
	if err := os.Symlink(loop, loop); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path, want string
		bad        bool
	}{
		{dir, dir + " is not the app's settings JSON (a folder)", true},
		{fifo, fifo + " is not the app's settings JSON (not a regular file)", true},
		{"/dev/zero", "/dev/zero is not the app's settings JSON (not a regular file)", true},
		{"/dev/null", "/dev/null is not the app's settings JSON (not a regular file)", true},
		{big, big + " is not the app's settings JSON (larger than 16 MiB)", true},
		{loop, loop + ": too many levels of symbolic links", false},
	} {
		err := job.CheckSettings(tc.path)
		var bad *job.SettingsError
		if err == nil || err.Error() != tc.want || errors.As(err, &bad) != tc.bad {
			t.Errorf("CheckSettings(%s) = %v, want %q", tc.path, err, tc.want)
		}
	}
	if err := job.CheckSettings(loop); !errors.Is(err, syscall.ELOOP) {
		t.Errorf("CheckSettings(a loop) = %v, want it to wrap ELOOP", err)
	}
}
