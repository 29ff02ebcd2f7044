package job_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/destinations"
	"github.com/cakebackup/cakebackup/internal/wallettest"
	"github.com/cakebackup/cakebackup/job"
)

// TestMakeRefusesDestInSource: a destination that is the folder being
// backed up, or a folder inside it (made already or not yet, reached
// through a link or a bind mount), is refused before anything is
// written, naming it: each backup would hold the ones before it. A folder
// beside the source, or one a link inside the source leads out to, is
// another place and gets its backup.
func TestMakeRefusesDestInSource(t *testing.T) {
	cases := []struct {
		name string
		// dest returns the destination spec, given the source folder.
		dest func(t *testing.T, src string) string
		// refused: Make must refuse it.
		refused bool
	}{
		{"the source itself", func(t *testing.T, src string) string { return src }, true},
		{"the source with a trailing slash", func(t *testing.T, src string) string { return "folder:" + src + "/" }, true},
		{"a folder inside it", func(t *testing.T, src string) string {
			return mkdir(t, filepath.Join(src, "wallets", "backups"))
		}, true},
		{"a drive whose folder is not made yet", func(t *testing.T, src string) string {
			return "drive:" + mkdir(t, filepath.Join(src, "stick"))
		}, true},
		{"through a link to the source", func(t *testing.T, src string) string {
			return filepath.Join(symlinkTo(t, src), "wallets")
		}, true},
		{"a link elsewhere that leads inside", func(t *testing.T, src string) string {
			return symlinkTo(t, mkdir(t, filepath.Join(src, "inner")))
		}, true},
		{"through a bind mount of the source", func(t *testing.T, src string) string {
			return bindMountOf(t, src)
		}, true},
		{"a folder beside it", func(t *testing.T, src string) string {
			return mkdir(t, filepath.Join(filepath.Dir(src), "beside"))
		}, false},
		{"a link inside it that leads out", func(t *testing.T, src string) string {
			out := t.TempDir()
			link := filepath.Join(src, "out")
			if err := os.Symlink(out, link); err != nil {
				t.Skip("cannot make a symbolic link:", err)
			}
			return link
		}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := wallettest.Folder(t, map[string][]byte{"wallets/a/a.keys": []byte("k")})
			dest := c.dest(t, src)
			before := listAll(t, src)
			_, err := job.Make(t.Context(), driveOpener(), job.Backup{Source: src, Dests: []string{dest}, Name: "made", Password: savePassword})
			if !c.refused {
				if err != nil {
					t.Fatalf("Make to %s: %v", dest, err)
				}
				return
			}
			if !errors.Is(err, job.ErrDestInSource) || !strings.Contains(err.Error(), dest) {
				t.Errorf("Make to %s: %v, want ErrDestInSource naming it", dest, err)
			}
			if after := listAll(t, src); !slices.Equal(before, after) {
				t.Errorf("the source held %v, now %v", before, after)
			}
		})
	}
}

// TestCheckNotInSourceLeavesAMissingSource: a source that is not there is
// Make's to report (it says the folder is missing), not a destination's.
func TestCheckNotInSourceLeavesAMissingSource(t *testing.T) {
	out := t.TempDir()
	d := openFolder(t, out)
	if err := job.CheckNotInSource(filepath.Join(out, "gone"), []string{out}, []destinations.Destination{d}); err != nil {
		t.Errorf("CheckNotInSource with a missing source: %v", err)
	}
}

// mkdir makes dir and its parents and returns it.
func mkdir(t *testing.T, dir string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return dir
}
