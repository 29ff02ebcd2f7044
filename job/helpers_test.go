package job_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/job"
	"github.com/cakebackup/cakebackup/local"
)

// opener opens folder: specs the way the command line does, through a
// registry holding the local destinations.
func opener() job.Opener {
	r := destinations.NewRegistry()
	local.Register(r, func(string) string { return "" }, local.Detector{}, nil)
	return r.Open
}

// openFolder opens dir as a destination.
func openFolder(t *testing.T, dir string) destinations.Destination {
	t.Helper()
	d, err := opener()(context.Background(), "folder:"+dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// smallDisk mounts a tmpfs of size bytes, as root; elsewhere the test is
// skipped.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	mnt := t.TempDir()
	if err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", mnt).Run(); err != nil {
		t.Skip("cannot mount a tmpfs:", err)
	}
	t.Cleanup(func() { exec.Command("umount", mnt).Run() })
	return mnt
}

// backupSource is the collected source OnCollected is handed.
type backupSource = backup.Source

// restoreAndCompare restores the backup file with savePassword and checks
// every file of want came back with the same bytes.
func restoreAndCompare(t *testing.T, file, want string) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	a, err := backup.Open(f, fi.Size())
	if err != nil {
		t.Fatal(err)
	}
	to := filepath.Join(t.TempDir(), "restored")
	if err := a.Restore(t.Context(), savePassword, to); err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(want, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(want, p)
		wantBytes, _ := os.ReadFile(p)
		got, err := os.ReadFile(filepath.Join(to, rel))
		if err != nil {
			return err
		}
		if !bytes.Equal(got, wantBytes) {
			t.Errorf("%s restored with other bytes", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
