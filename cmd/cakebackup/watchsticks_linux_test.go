package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/local"
)

// TestWatchOnceRotatedSticks: `watch --once --dest usb`, run again with
// another stick plugged in (both labelled WALLETS, mounted at the same
// place, with file systems of their own UUIDs), ships the export the
// first stick got to the second, and nothing when the first is back.
func TestWatchOnceRotatedSticks(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	mnt := filepath.Join(root, "media", "ana", "WALLETS")
	uuids := []string{"4A1C-9F02", "64E3-1A2B"}
	away := func(i int) string { return filepath.Join(root, "sticks", uuids[i]) }
	for _, dir := range []string{filepath.Dir(mnt), filepath.Join(root, "proc", "self"), away(0), away(1)} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	plugged := -1
	// plug unplugs the stick plugged in and plugs in stick i, as the
	// kernel's mount table and udev's links show it.
	plug := func(i int) {
		t.Helper()
		if plugged >= 0 {
			if err := os.Rename(mnt, away(plugged)); err != nil {
				t.Fatal(err)
			}
		}
		plugged = i
		if err := os.Rename(away(i), mnt); err != nil {
			t.Fatal(err)
		}
		disks := filepath.Join(root, "dev", "disk")
		if err := os.RemoveAll(disks); err != nil {
			t.Fatal(err)
		}
		for _, link := range []string{"by-label/WALLETS", "by-uuid/" + uuids[i]} {
			if err := os.MkdirAll(filepath.Dir(filepath.Join(disks, link)), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink("../../sdb1", filepath.Join(disks, link)); err != nil {
				t.Fatal(err)
			}
		}
		mountinfo := "28 1 259:2 / / rw - ext4 /dev/nvme0n1p2 rw\n" +
			fmt.Sprintf("700 28 8:17 / %s rw,relatime - vfat /dev/sdb1 rw\n", mnt)
		if err := os.WriteFile(filepath.Join(root, "proc", "self", "mountinfo"), []byte(mountinfo), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	c := newCLI(t)
	c.drives = &local.Detector{ProcRoot: root, SysRoot: root, DevRoot: root, RunRoot: root, MountRoots: []string{filepath.Join(root, "media")},
		Space: func(string) (int64, int64, error) { return 8 << 30, 4 << 30, nil }}
	in := t.TempDir()
	const name = "cake_wallet_backup_rotated"
	export := dropExportAs(t, in, "v3", name)
	for run, i := range []int{0, 1, 0} {
		plug(i)
		c.mustRun("watch", in, "--once", "--dest", "usb", "--settle", "1ms")
		if n, want := strings.Count(c.stderr.String(), "msg=shipped"), 1-run/2; n != want {
			t.Fatalf("run %d (stick %s): %d shipped lines, want %d: %s", run, uuids[i], n, want, c.stderr.String())
		}
		sameFile(t, filepath.Join(mnt, local.BackupFolder, name), export)
		if entries, err := os.ReadDir(filepath.Join(mnt, local.BackupFolder)); err != nil || len(entries) != 1 {
			t.Fatalf("run %d: stick %s holds %d files (%v), want the export", run, uuids[i], len(entries), err)
		}
	}
}
