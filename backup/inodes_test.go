package backup

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestPlanInodes: a plan counts one inode per file and per folder, named
// by an entry or only holding one.
func TestPlanInodes(t *testing.T) {
	t.Parallel()
	a, err := openBytes(sealInnerFast(t, manyWallets(t, 30, 10), 0))
	if err != nil {
		t.Fatal(err)
	}
	pr, plan, err := a.openPlanned(t.Context(), testKeys, RestoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pr.Close()
	// 30 files, their 30 folders, wallets/ and wallets/monero/.
	if got := plan.inodes(); got != 62 {
		t.Errorf("inodes = %d, want 62", got)
	}
}

// smallInodeDisk mounts a tmpfs of plenty of bytes but only inodes
// inodes, as root; elsewhere the test is skipped.
func smallInodeDisk(t *testing.T, inodes int) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=64m,nr_inodes=%d,mode=0700", inodes), "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("mount tmpfs: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", "-l", mnt).Run() })
	return mnt
}

// TestRestoreOutOfInodes: a restore of more files and folders than the
// target's file system can still make is refused up front, saying it is
// out of inodes, with nothing written; one whose file system runs out of
// them midway (another program took the rest) fails saying so, and
// leaves nothing behind either. Root only: it mounts tmpfs.
func TestRestoreOutOfInodes(t *testing.T) {
	b := sealInnerFast(t, manyWallets(t, 300, 4096), 32<<10)
	wantInodes := func(t *testing.T, err error) {
		t.Helper()
		if !errors.Is(err, ErrNoSpace) || !errors.Is(err, ErrNoInodes) || !strings.Contains(err.Error(), "out of inodes") || strings.Contains(err.Error(), "\n") {
			t.Fatalf("restore: %v, want ErrNoInodes (and ErrNoSpace) saying it is out of inodes", err)
		}
	}
	t.Run("up front", func(t *testing.T) {
		mnt := smallInodeDisk(t, 200)
		target := filepath.Join(mnt, "out")
		_, err := openAndRestore(t, b, target)
		wantInodes(t, err)
		if names := listNames(t, mnt); len(names) != 0 {
			t.Errorf("left on the disk: %v", names)
		}
	})
	t.Run("midway", func(t *testing.T) {
		mnt := smallInodeDisk(t, 1000)
		other := filepath.Join(mnt, "other")
		if err := os.Mkdir(other, 0o700); err != nil {
			t.Fatal(err)
		}
		target := filepath.Join(mnt, "out")
		r := &hookedReader{b: b, hook: func() bool {
			if restoringIn(mnt) == "" {
				return false
			}
			// Another program makes files until no inode is left.
			for i := 0; ; i++ {
				f, err := os.Create(filepath.Join(other, fmt.Sprint(i)))
				if errors.Is(err, syscall.ENOSPC) {
					return true
				}
				if err != nil {
					t.Error(err)
					return true
				}
				f.Close()
			}
		}}
		a, err := Open(r, int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		_, err = a.restore(t.Context(), testKeys, target, RestoreOptions{})
		if !r.done {
			t.Fatal("the restore never wrote a file before it ended")
		}
		wantInodes(t, err)
		if names := listNames(t, mnt); len(names) != 1 || names[0] != "other" {
			t.Errorf("left on the disk: %v", names)
		}
	})
}
