package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cakebackup/cakebackup/job"
	"golang.org/x/sys/unix"
)

// TestCreateToStickPulledMidWrite: the stick create writes to goes away
// once part of the backup is written: pulled out (its file system shut
// down, so that every read and write fails with EIO), or unmounted
// (lazily, as a desktop does). create fails (exit 1) with one line on
// stderr that gives the reason once, and prints nothing more about it on
// stdout; when the unfinished file could not be removed, it is named.
// It needs root (usbStick).
func TestCreateToStickPulledMidWrite(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		// pull makes the stick mounted at mnt go away.
		pull func(t *testing.T, mnt string)
		// reason is what the error says, once; left, whether it names
		// the unfinished file left on the stick.
		reason string
		left   bool
	}{
		{"pulled out", shutDown, "was it unplugged?", true},
		{"unmounted", func(t *testing.T, mnt string) {
			if err := unix.Unmount(mnt, unix.MNT_DETACH); err != nil {
				t.Error(err)
			}
		}, "the drive was removed or unmounted", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mnt, det := usbStick(t, "PULLED", 64<<20)
			c := newCLI(t)
			c.drives = det
			pwFile := writePasswordFile(t, "a strong enough password for the stick")
			var once sync.Once
			pulled := false
			c.tweakBackup = func(b *job.Backup) {
				progress := b.OnProgress
				var done int64
				b.OnProgress = func(n int64) {
					done += n
					if done > 4<<20 {
						once.Do(func() { tc.pull(t, mnt); pulled = true })
					}
					if progress != nil {
						progress(n)
					}
				}
			}
			code := c.run("create", "--source", bigWalletSource(t), "--dest", "usb:PULLED", "--password-file", pwFile)
			if !pulled {
				t.Fatal("the backup was written before the stick could be pulled")
			}
			stderr := c.stderr.String()
			wantOneLine(t, code, stderr, exitFailure, tc.reason)
			if n := strings.Count(stderr, tc.reason); n != 1 {
				t.Errorf("stderr gives the reason %d times: %q", n, stderr)
			}
			if left := strings.Contains(stderr, ".cakebackup-tmp-"); left != tc.left {
				t.Errorf("stderr %q: names the unfinished file: %v, want %v", stderr, left, tc.left)
			}
			if strings.Contains(c.stdout.String(), "PULLED") {
				t.Errorf("stdout says it again: %q", c.stdout.String())
			}
		})
	}
}

// shutDown makes the file system mounted at mnt fail every read and
// write from now on with EIO, as a stick pulled out does
// (FS_IOC_SHUTDOWN, without flushing the journal).
func shutDown(t *testing.T, mnt string) {
	fd, err := unix.Open(mnt, unix.O_RDONLY, 0)
	if err != nil {
		t.Error(err)
		return
	}
	defer unix.Close(fd)
	if err := unix.IoctlSetPointerInt(fd, 0x8004587d, 2); err != nil {
		t.Skipf("cannot shut the file system down: %v", err)
	}
}

// TestReadFromAPulledStick: verify, and restore, of a backup on a stick
// that was pulled out fail (exit 1) in one line that says it could not
// be read, never that the backup is damaged. It needs root (usbStick).
func TestReadFromAPulledStick(t *testing.T) {
	t.Parallel()
	mnt, det := usbStick(t, "GONE", 64<<20)
	c := newCLI(t)
	c.drives = det
	pwFile := writePasswordFile(t, "a strong enough password for the stick")
	out := c.mustRun("create", "--source", sampleWallets, "--dest", "usb:GONE", "--password-file", pwFile, "--json")
	var res job.CreatedResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	shutDown(t, mnt)
	for _, args := range [][]string{
		{"verify", res.Location},
		{"verify", res.Location, "--password-file", pwFile},
		{"verify", "usb:GONE/" + res.Name},
		{"restore", res.Location, "--to", filepath.Join(t.TempDir(), "out"), "--password-file", pwFile},
	} {
		code := c.run(args...)
		stderr := c.stderr.String()
		wantOneLine(t, code, stderr, exitFailure, "input/output error")
		if !strings.Contains(stderr, "unplugged?") {
			t.Errorf("%v: %q does not ask whether the stick was unplugged", args, stderr)
		}
		if strings.Contains(stderr, "damaged") || strings.Contains(stderr, "not a ") {
			t.Errorf("%v: %q calls it damaged", args, stderr)
		}
	}
}
