package backup

import (
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cakebackup/cakebackup/internal/childtest"
)

// fourEntries is an inner archive whose restore moves four entries up
// into a folder it fills in place: a, b, c and d.txt, in that order.
func fourEntries(t *testing.T) []byte {
	return innerZip(t, []zipEntry{
		{name: "a/1", body: []byte("one")},
		{name: "b/2", body: []byte("two")},
		{name: "c/3", body: []byte("three")},
		{name: "d.txt", body: []byte("four")},
	})
}

// wantFourEntries checks that dir holds exactly fourEntries' files.
func wantFourEntries(t *testing.T, dir string) {
	t.Helper()
	got := readTree(t, dir)
	want := map[string]string{"a/1": "one", "b/2": "two", "c/3": "three", "d.txt": "four"}
	if len(got) != len(want) {
		t.Errorf("%s holds %d files, want %d: %v", dir, len(got), len(want), listNames(t, dir))
	}
	for k, v := range want {
		if string(got[k]) != v {
			t.Errorf("%s/%s = %q, want %q", dir, k, got[k], v)
		}
	}
}

// killDuringFill restores backupPath into dir, an existing empty folder,
// in a child process (TestFillKilledChild), and kills it (SIGKILL) as it
// is about to move its entry number moved+1 up into dir: the first moved
// entries are in dir, the rest in its temporary folder.
func killDuringFill(t *testing.T, backupPath, dir string, moved int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestFillKilledChild$", "--", backupPath, dir, strconv.Itoa(moved))
	childtest.Start(t, cmd, "moving\n")
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	if cmd.Wait(); cmd.ProcessState.Exited() && runtime.GOOS != "windows" {
		t.Fatalf("the child ended by itself (%v), not killed", cmd.ProcessState)
	}
}

// TestFillKilledChild is the restore killDuringFill kills: its arguments
// (after --) are the backup, the folder and how many entries to move
// before it says "moving" and waits to be killed.
func TestFillKilledChild(t *testing.T) {
	args := flag.Args()
	if len(args) != 3 {
		t.Skip("run by killDuringFill")
	}
	stop, _ := strconv.Atoi(args[2])
	f, err := os.Open(args[0])
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := f.Stat()
	a, err := Open(f, fi.Size())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	opts := RestoreOptions{beforeMove: func(string) {
		if n == stop {
			os.Stdout.WriteString("moving\n")
			childtest.WaitForParent()
			os.Exit(5) // let go rather than killed: the parent fails
		}
		n++
	}}
	a.restore(t.Context(), testKeys, args[1], opts)
	os.Exit(6) // never reached the entry to stop at
}

// TestRestoreFinishesAFillKilledMidway kills a restore into an existing
// empty folder while it moves the restored entries up into it (after 0,
// 2 or 3 of 4), then restores into the folder again. The folder never
// stays half restored: the same backup's restore finishes the killed one
// and is done; another backup's finishes it too and is refused (the
// folder is no longer empty); and when a name the killed restore needs
// was taken since, what it had moved is taken back and removed, and only
// the file that took the name is left. Nothing is left of the killed
// restore's temporary folder or lock file.
func TestRestoreFinishesAFillKilledMidway(t *testing.T) {
	t.Parallel()
	if len(flag.Args()) == 3 {
		return // a child: TestFillKilledChild's
	}
	backupPath := filepath.Join(t.TempDir(), "backup.zip")
	if err := os.WriteFile(backupPath, sealInnerFast(t, fourEntries(t), 64<<10), 0o600); err != nil {
		t.Fatal(err)
	}
	other, err := openBytes(smallBackup(t))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name  string
		moved int
		// between runs between the kill and the next restore.
		between func(t *testing.T, dir string)
		other   bool // the next restore is of another backup
		// want is what dir holds at the end; wantErr is the next
		// restore's error.
		want    func(t *testing.T, dir string)
		wantErr error
		// wantMoved is how many entries the next restore moves up;
		// wantSame whether it finds the killed one complete and its own;
		// wantMissing what it finds removed since.
		wantMoved      int
		wantRolledBack bool
		wantSame       bool
		wantMissing    []string
	}{
		{name: "same backup, 2 of 4 moved", moved: 2, want: wantFourEntries, wantMoved: 2, wantSame: true},
		{name: "same backup, none moved", moved: 0, want: wantFourEntries, wantMoved: 4, wantSame: true},
		{name: "same backup, 3 of 4 moved", moved: 3, want: wantFourEntries, wantMoved: 1, wantSame: true},
		{name: "another backup", moved: 2, other: true, want: wantFourEntries, wantErr: ErrTargetNotEmpty, wantMoved: 2},
		{name: "a restore into a new folder inside it between", moved: 2,
			between: func(t *testing.T, dir string) {
				// It works in dir, beside its target, and leaves the
				// killed restore's temporary folder alone.
				if _, err := other.restore(t.Context(), testKeys, filepath.Join(dir, "new"), RestoreOptions{}); err != nil {
					t.Fatal(err)
				}
				wantSmallBackup(t, filepath.Join(dir, "new"))
				if err := os.RemoveAll(filepath.Join(dir, "new")); err != nil {
					t.Fatal(err)
				}
			},
			want: wantFourEntries, wantMoved: 2, wantSame: true},
		// What it had moved, removed since (a half restore cleaned up
		// by hand): the rest is removed, and this restore fills the
		// folder afresh.
		{name: "all it moved removed since", moved: 2,
			between: func(t *testing.T, dir string) {
				for _, n := range []string{"a", "b"} {
					if err := os.RemoveAll(filepath.Join(dir, n)); err != nil {
						t.Fatal(err)
					}
				}
			},
			want: wantFourEntries, wantRolledBack: true},
		// Part of it removed since: what is left there may be in use, and
		// is not removed; the rest is moved up, and this restore, which
		// cannot claim the folder complete, refuses.
		{name: "part of what it moved removed since", moved: 2,
			between: func(t *testing.T, dir string) {
				if err := os.RemoveAll(filepath.Join(dir, "a")); err != nil {
					t.Fatal(err)
				}
			},
			want: func(t *testing.T, dir string) {
				if got := listNames(t, dir); !slices.Equal(got, []string{"b", "c", "d.txt"}) {
					t.Errorf("%s holds %v, want b, c and d.txt", dir, got)
				}
			},
			wantErr: ErrTargetNotEmpty, wantMoved: 2, wantMissing: []string{"a"}},
		{name: "a name taken since", moved: 2,
			between: func(t *testing.T, dir string) {
				if err := os.WriteFile(filepath.Join(dir, "c"), []byte("mine"), 0o600); err != nil {
					t.Fatal(err)
				}
				if err := CheckRestoreTarget(dir); !errors.Is(err, ErrTargetNotEmpty) {
					t.Errorf("CheckRestoreTarget with a file of the user's: %v, want ErrTargetNotEmpty", err)
				}
			},
			want: func(t *testing.T, dir string) {
				if got := readTree(t, dir); len(got) != 1 || string(got["c"]) != "mine" {
					t.Errorf("%s holds %v, want only the user's c", dir, listNames(t, dir))
				}
			},
			wantErr: ErrTargetNotEmpty, wantRolledBack: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "mine")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			info, _ := os.Stat(dir)
			killDuringFill(t, backupPath, dir, c.moved)
			var moved, hidden []string
			for _, n := range listNames(t, dir) {
				if strings.HasPrefix(n, ".cakebackup.restoring-") {
					hidden = append(hidden, n)
				} else {
					moved = append(moved, n)
				}
			}
			if want := []string{"a", "b", "c", "d.txt"}[:c.moved]; !slices.Equal(moved, want) || len(hidden) != 2 {
				t.Fatalf("the killed restore left %v and %v, want %v and its folder and lock", moved, hidden, want)
			}
			if err := CheckRestoreTarget(dir); err != nil {
				t.Errorf("CheckRestoreTarget of what the killed restore left: %v", err)
			}
			if c.between != nil {
				c.between(t, dir)
			}
			a := other
			if !c.other {
				f, err := os.Open(backupPath)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				fi, _ := f.Stat()
				if a, err = Open(f, fi.Size()); err != nil {
					t.Fatal(err)
				}
			}
			res, err := a.restore(t.Context(), testKeys, dir, RestoreOptions{})
			if c.wantErr == nil && err != nil || c.wantErr != nil && !errors.Is(err, c.wantErr) {
				t.Fatalf("restore: %v, want %v", err, c.wantErr)
			}
			r := res.Resumed
			if r.Moved != c.wantMoved || r.RolledBack != c.wantRolledBack || r.Completed == c.wantRolledBack || r.Same != c.wantSame || !slices.Equal(r.Missing, c.wantMissing) {
				t.Errorf("Resumed = %+v, want %d moved, rolled back %v, same %v, missing %v", r, c.wantMoved, c.wantRolledBack, c.wantSame, c.wantMissing)
			}
			if wantTaken := map[bool]string{true: filepath.Join(dir, "c")}[c.name == "a name taken since"]; r.Taken != wantTaken {
				t.Errorf("Taken = %q, want %q", r.Taken, wantTaken)
			}
			if err == nil && (res.Files != 4 || !res.InPlace) {
				t.Errorf("result %+v, want 4 files, in place", res)
			}
			if now, err := os.Stat(dir); err != nil || !os.SameFile(info, now) {
				t.Errorf("%s is not the same folder: %v", dir, err)
			}
			for _, n := range listNames(t, dir) {
				if strings.HasPrefix(n, ".") {
					t.Errorf("%s is left in %s", n, dir)
				}
			}
			c.want(t, dir)
		})
	}
}
