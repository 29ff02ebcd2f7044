package job_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/wallettest"
	"github.com/cakebackup/cakebackup/job"
	"github.com/cakebackup/cakebackup/local"
)

// driveOpener opens "drive:MOUNT" as the removable drive mounted at MOUNT
// (labelled by its base name), whose backups go into its
// cake_wallet_backups folder, made by the first backup; every other spec
// opens as opener() opens it.
func driveOpener() job.Opener {
	open := opener()
	return func(ctx context.Context, spec string) (destinations.Destination, error) {
		mnt, ok := strings.CutPrefix(spec, "drive:")
		if !ok {
			return open(ctx, spec)
		}
		return local.NewDrive(local.Drive{Label: filepath.Base(mnt), MountPoint: mnt, FSType: "ext4"}, "")
	}
}

// bindMountOf mounts dir on a new folder as well, as root on Linux;
// elsewhere the test is skipped.
func bindMountOf(t *testing.T, dir string) string {
	t.Helper()
	if runtime.GOOS != "linux" || os.Geteuid() != 0 {
		t.Skip("a bind mount needs root on Linux")
	}
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "--bind", dir, mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot bind-mount %s: %v: %s", dir, err, out)
	}
	t.Cleanup(func() { exec.Command("umount", mnt).Run() })
	return mnt
}

// symlinkTo makes a symbolic link to target in a new folder and returns
// its path.
func symlinkTo(t *testing.T, target string) string {
	t.Helper()
	link := filepath.Join(t.TempDir(), "link-to-"+filepath.Base(target))
	if err := os.Symlink(target, link); err != nil {
		t.Skip("cannot make a symbolic link:", err)
	}
	return link
}

// TestMakeAndSendRefuseOneFolderReachedTwoWays: two destinations whose
// folders are one directory (through a symbolic link, a bind mount, a
// drive's folder named by its path too, or the folder a drive's first
// backup would make, reached through a link) are refused as one place
// given twice, before anything is written and naming both; the person
// would otherwise count two copies on two media where there is one.
func TestMakeAndSendRefuseOneFolderReachedTwoWays(t *testing.T) {
	dir := wallettest.Folder(t, map[string][]byte{"wallets/a/a.keys": []byte("k")})
	file, _ := export(t, "exported", 0)
	cases := []struct {
		name string
		// dests returns the two destinations, given the folder (or,
		// for a drive, its mount point) they both reach.
		dests func(t *testing.T, out string) []string
	}{
		{"symlink to the folder", func(t *testing.T, out string) []string {
			return []string{"folder:" + out, "folder:" + symlinkTo(t, out)}
		}},
		{"symlink first", func(t *testing.T, out string) []string {
			return []string{symlinkTo(t, out), out}
		}},
		{"through a symlinked parent", func(t *testing.T, out string) []string {
			return []string{out, filepath.Join(symlinkTo(t, filepath.Dir(out)), filepath.Base(out))}
		}},
		{"bind mount", func(t *testing.T, out string) []string {
			return []string{"folder:" + out, "folder:" + bindMountOf(t, out)}
		}},
		{"drive and its folder by path", func(t *testing.T, out string) []string {
			if err := os.Mkdir(filepath.Join(out, local.BackupFolder), 0o700); err != nil {
				t.Fatal(err)
			}
			return []string{"drive:" + out, "folder:" + filepath.Join(out, local.BackupFolder)}
		}},
		{"drive through a symlink, its folder not made yet", func(t *testing.T, out string) []string {
			return []string{"drive:" + out, "drive:" + symlinkTo(t, out)}
		}},
		{"drive through a bind mount, its folder not made yet", func(t *testing.T, out string) []string {
			return []string{"drive:" + out, "drive:" + bindMountOf(t, out)}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out := t.TempDir()
			dests := c.dests(t, out)
			before := listAll(t, out)
			_, err := job.Make(t.Context(), driveOpener(), job.Backup{Source: dir, Dests: dests, Password: savePassword})
			if !errors.Is(err, job.ErrDestTwice) || !strings.Contains(err.Error(), dests[0]) || !strings.Contains(err.Error(), dests[1]) {
				t.Errorf("Make to %v: %v, want ErrDestTwice naming both", dests, err)
			}
			_, err = job.Send(t.Context(), driveOpener(), job.Shipment{File: file, Dests: dests})
			if !errors.Is(err, job.ErrDestTwice) || !strings.Contains(err.Error(), dests[0]) || !strings.Contains(err.Error(), dests[1]) {
				t.Errorf("Send to %v: %v, want ErrDestTwice naming both", dests, err)
			}
			if after := listAll(t, out); !slices.Equal(before, after) {
				t.Errorf("%s held %v, now %v", out, before, after)
			}
		})
	}
}

// TestMakeAndSendTakeTwoFoldersOneOfThemLinked: a symbolic link to
// another folder, or a drive whose folder is not made yet beside another
// one, is another place: both get their copy.
func TestMakeAndSendTakeTwoFoldersOneOfThemLinked(t *testing.T) {
	dir := wallettest.Folder(t, map[string][]byte{"wallets/a/a.keys": []byte("k")})
	file, _ := export(t, "exported", 0)
	cases := []struct {
		name string
		// dests returns two destinations and the folders they store in.
		dests func(t *testing.T) ([]string, []string)
	}{
		{"a folder and a link to another", func(t *testing.T) ([]string, []string) {
			a, b := t.TempDir(), t.TempDir()
			return []string{"folder:" + a, "folder:" + symlinkTo(t, b)}, []string{a, b}
		}},
		{"two drives, folders not made yet", func(t *testing.T) ([]string, []string) {
			a, b := t.TempDir(), t.TempDir()
			return []string{"drive:" + a, "drive:" + b}, []string{filepath.Join(a, local.BackupFolder), filepath.Join(b, local.BackupFolder)}
		}},
		{"a drive and the folder holding its mount point", func(t *testing.T) ([]string, []string) {
			a := t.TempDir()
			mnt := filepath.Join(a, local.BackupFolder+"-stick")
			if err := os.Mkdir(mnt, 0o700); err != nil {
				t.Fatal(err)
			}
			return []string{"folder:" + a, "drive:" + mnt}, []string{a, filepath.Join(mnt, local.BackupFolder)}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dests, folders := c.dests(t)
			if _, err := job.Make(t.Context(), driveOpener(), job.Backup{Source: dir, Dests: dests, Name: "made", Password: savePassword}); err != nil {
				t.Fatalf("Make to %v: %v", dests, err)
			}
			if _, err := job.Send(t.Context(), driveOpener(), job.Shipment{File: file, Dests: dests, Name: "sent"}); err != nil {
				t.Fatalf("Send to %v: %v", dests, err)
			}
			for _, f := range folders {
				for _, name := range []string{"made", "sent"} {
					if _, err := os.Stat(filepath.Join(f, name)); err != nil {
						t.Errorf("%s in %s: %v", name, f, err)
					}
				}
			}
		})
	}
}

// listAll returns every path under root, relative to it, in walk order.
func listAll(t *testing.T, root string) []string {
	t.Helper()
	var paths []string
	err := filepath.WalkDir(root, func(p string, _ os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		paths = append(paths, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return paths
}
