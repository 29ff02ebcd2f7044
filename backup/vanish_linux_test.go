//go:build linux

package backup

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/cakebackup/cakebackup/internal/disktest"
)

// TestRestoreTargetUnmountedMidway: the drive being restored to is
// unmounted (lazily, as a desktop does when it is pulled out) while the
// restore writes there. The restore fails with a *TargetGoneError for it,
// writes nothing where the drive was, and removes what it wrote from the
// drive (its decrypted files) through the folder it holds open: the
// drive, mounted again, holds nothing, and a restore into it works. Root
// only: it mounts a tmpfs.
func TestRestoreTargetUnmountedMidway(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=16m,mode=0700", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("mount tmpfs: %v: %s", err, out)
	}
	// The drive, mounted again: the same file system seen elsewhere.
	again := t.TempDir()
	if err := unix.Mount(mnt, again, "", unix.MS_BIND, ""); err != nil {
		exec.Command("umount", mnt).Run()
		t.Skipf("bind mount: %v", err)
	}
	t.Cleanup(func() { unix.Unmount(again, unix.MNT_DETACH); unix.Unmount(mnt, unix.MNT_DETACH) })

	b := sealInnerFast(t, manyWallets(t, 300, 4096), 32<<10)
	r := &hookedReader{b: b, hook: func() bool {
		if restoringIn(mnt) == "" {
			return false
		}
		if err := unix.Unmount(mnt, unix.MNT_DETACH); err != nil {
			t.Errorf("unmount: %v", err)
		}
		return true
	}}
	a, err := Open(r, int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	_, err = a.restore(t.Context(), testKeys, mnt, RestoreOptions{})
	if !r.done {
		t.Fatal("the restore never wrote a file before it ended")
	}
	var gone *TargetGoneError
	if !errors.As(err, &gone) || gone.Dir != mnt || gone.Leftover != "" || strings.Contains(err.Error(), "\n") {
		t.Fatalf("restore: %v, want a *TargetGoneError for %s, nothing left", err, mnt)
	}
	if names := listNames(t, mnt); len(names) != 0 {
		t.Errorf("written where the drive was: %v", names)
	}
	if names := listNames(t, again); len(names) != 0 {
		t.Errorf("the drive holds %v, want nothing", names)
	}
	if _, err := openAndRestore(t, b, again); err != nil {
		t.Fatal(err)
	}
	if names := listNames(t, again); !slices.Equal(names, []string{"wallets"}) {
		t.Errorf("the drive holds %v after the next restore", names)
	}
}

// TestRemovedDir: a folder held open is known as removed once it is
// deleted, not when it is only moved.
func TestRemovedDir(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	for _, deleted := range []bool{false, true} {
		dir := filepath.Join(base, fmt.Sprint(deleted))
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		f, err := os.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if deleted {
			err = os.Remove(dir)
		} else {
			err = os.Rename(dir, dir+"-moved")
		}
		if err != nil {
			t.Fatal(err)
		}
		if got := removedDir(f); got != deleted && runtime.GOOS == "linux" {
			t.Errorf("removedDir after deleted=%v: %v", deleted, got)
		}
	}
}

// mountExt4 mounts a new ext4 file system of 32 MiB on a loop device, as
// root; elsewhere, or without losetup and mkfs.ext4, the test is skipped.
func mountExt4(t *testing.T) string {
	t.Helper()
	return disktest.MountExt4(t, disktest.Ext4{Size: 32 << 20}).Dir
}

// TestRestoreTargetPulledOutMidway: the drive being restored to fails
// every read and write midway (its file system shut down, as a stick
// pulled out leaves it). The restore fails, in one line that gives the
// reason once, names the partial restore it could not remove and says
// the next restore there removes it. Root only: it mounts a loop device.
func TestRestoreTargetPulledOutMidway(t *testing.T) {
	mnt := mountExt4(t)
	b := sealInnerFast(t, manyWallets(t, 300, 4096), 32<<10)
	r := &hookedReader{b: b, hook: func() bool {
		if restoringIn(mnt) == "" {
			return false
		}
		fd, err := unix.Open(mnt, unix.O_RDONLY, 0)
		if err != nil {
			t.Error(err)
			return true
		}
		defer unix.Close(fd)
		// FS_IOC_SHUTDOWN without flushing the journal.
		if err := unix.IoctlSetPointerInt(fd, 0x8004587d, 2); err != nil {
			t.Skipf("cannot shut the file system down: %v", err)
		}
		return true
	}}
	a, err := Open(r, int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	// Beside lost+found: a new folder.
	_, err = a.restore(t.Context(), testKeys, filepath.Join(mnt, "out"), RestoreOptions{})
	if !r.done {
		t.Fatalf("the restore never wrote a file before it ended: %v", err)
	}
	if err == nil || !errors.Is(err, syscall.EIO) || !strings.Contains(err.Error(), filepath.Join(mnt, ".out.restoring-")) ||
		!strings.Contains(err.Error(), "next restore into "+mnt+" removes it") || strings.Contains(err.Error(), "\n") ||
		strings.Count(err.Error(), "input/output error") != 1 {
		t.Fatalf("restore: %v, want EIO, naming the partial restore left in %s", err, mnt)
	}
}

// TestRestoreIntoAFreshStick: a freshly formatted stick's root, holding
// only the lost+found folder ext4 makes, counts as empty and is filled
// in place; a lost+found folder anywhere else is a folder like any other.
// Root only: it mounts a loop device.
func TestRestoreIntoAFreshStick(t *testing.T) {
	elsewhere := t.TempDir()
	if err := os.Mkdir(filepath.Join(elsewhere, "lost+found"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := CheckRestoreTarget(elsewhere); !errors.Is(err, ErrTargetNotEmpty) {
		t.Errorf("a folder holding lost+found: %v, want ErrTargetNotEmpty", err)
	}
	mnt := mountExt4(t)
	if names := listNames(t, mnt); !slices.Equal(names, []string{"lost+found"}) {
		t.Fatalf("the new file system holds %v", names)
	}
	if _, err := openAndRestore(t, smallBackup(t), mnt); err != nil {
		t.Fatal(err)
	}
	if names := listNames(t, mnt); !slices.Equal(names, []string{"lost+found", "wallets"}) {
		t.Errorf("the stick holds %v", names)
	}
}
