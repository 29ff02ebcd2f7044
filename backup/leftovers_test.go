package backup

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cakebackup/cakebackup/internal/wallettest"
)

func TestRestoringOwner(t *testing.T) {
	tests := []struct {
		name string
		pid  int
		ok   bool
	}{
		{".out.restoring-123-456", 123, true},
		{".my.wallets.restoring-9-1", 9, true},
		{".x.restoring-1-2-3.restoring-77-88", 77, true},
		{".out.restoring-123456789", 0, false}, // made before the pid was recorded
		{"out.restoring-1-2", 0, false},
		{".out.restoring--2", 0, false},
		{".out.restoring-0-2", 0, false},
		{".out.restoring-12-", 0, false},
		{".out.restoring-1x-2", 0, false},
	}
	for _, tt := range tests {
		pid, ok := restoringOwner(tt.name)
		if pid != tt.pid || ok != tt.ok {
			t.Errorf("restoringOwner(%q) = %d, %v", tt.name, pid, ok)
		}
	}
	if pid, ok := restoringOwner(restoringPrefix("/a/out") + "42"); !ok || pid != os.Getpid() {
		t.Errorf("our own prefix reads as %d, %v", pid, ok)
	}
}

// deadPID returns the id of a process that has exited.
func deadPID(t *testing.T) int {
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skipf("cannot run true: %v", err)
	}
	return cmd.ProcessState.Pid()
}

// TestRestoreRemovesStaleLeftovers puts beside the target the temporary
// folders of a dead restore, of a live process and of an old version
// (no pid): the restore removes only the dead one and says how much it
// reclaimed.
func TestRestoreRemovesStaleLeftovers(t *testing.T) {
	parent := t.TempDir()
	gone := strconv.Itoa(deadPID(t))
	dead := filepath.Join(parent, ".other.restoring-"+gone+"-1")
	live := filepath.Join(parent, ".other.restoring-1-2") // init never exits
	legacy := filepath.Join(parent, ".other.restoring-12345")
	// The lock decides when there is one: held, the folder stays even
	// though its pid is gone (another PID namespace); free, it goes
	// although its pid is running (a reused pid).
	held := filepath.Join(parent, ".other.restoring-"+gone+"-3")
	freed := filepath.Join(parent, ".other.restoring-1-4")
	orphanLock := filepath.Join(parent, ".other.restoring-"+gone+"-5"+lockSuffix)
	for _, d := range []string{dead, live, legacy, held, freed} {
		wallettest.Write(t, d, map[string][]byte{"wallets/monero/x/x.keys": bytes.Repeat([]byte("k"), 1000), "a": []byte("abc")})
	}
	_, release, err := restoreLock(held)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	for _, f := range []string{freed + lockSuffix, orphanLock} {
		if err := os.WriteFile(f, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	a, err := openBytes(smallBackup(t))
	if err != nil {
		t.Fatal(err)
	}
	shareKeys(a, testKeys) // smallBackup seals with them
	res, err := a.RestoreWith(t.Context(), testPassword, filepath.Join(parent, "out"), RestoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Reclaimed != (Reclaimed{Items: 2, Bytes: 2006}) {
		t.Errorf("Reclaimed = %+v", res.Reclaimed)
	}
	for _, d := range []string{dead, freed, freed + lockSuffix, orphanLock} {
		if _, err := os.Lstat(d); err == nil {
			t.Errorf("%s, left by a dead restore, is still there", d)
		}
	}
	for _, d := range []string{live, legacy, held, held + lockSuffix} {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("%s was removed: %v", d, err)
		}
	}
}

// TestRestoreKilled kills a real restore (this test binary, run again as
// a child) with SIGKILL while it writes, then restores again: the killed
// run's decrypted files are removed. A restore into a new folder works
// beside it, and the next restore into the same parent folder removes its
// leftover; one into an existing empty folder works inside it, leaving
// nothing there but its recognisable temporary folder, and the next
// restore into that folder removes it and fills the folder.
func TestRestoreKilled(t *testing.T) {
	t.Parallel()
	if os.Getenv("CAKEBACKUP_TEST_CHILD_RESTORE") != "" {
		return // the child's work is done by TestRestoreChild
	}
	dir := t.TempDir()
	backupPath := filepath.Join(dir, "backup.zip")
	if err := os.WriteFile(backupPath, sealInnerFast(t, manySmallFiles(t, 500, 4096), 64<<10), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, inPlace := range []bool{false, true} {
		t.Run(map[bool]string{false: "new folder", true: "existing folder"}[inPlace], func(t *testing.T) {
			t.Parallel()
			parent := filepath.Join(t.TempDir(), "restores")
			first := filepath.Join(parent, "first")
			// Where the child's temporary folder shows, and its name.
			work, prefix := parent, ".first.restoring-"
			if inPlace {
				if err := os.MkdirAll(first, 0o700); err != nil {
					t.Fatal(err)
				}
				work, prefix = first, ".cakebackup.restoring-"
			}
			child := exec.Command(os.Args[0], "-test.run=^TestRestoreChild$")
			child.Env = append(os.Environ(), "CAKEBACKUP_TEST_CHILD_RESTORE="+backupPath, "CAKEBACKUP_TEST_CHILD_TARGET="+first)
			if err := child.Start(); err != nil {
				t.Fatal(err)
			}
			prefix += strconv.Itoa(child.Process.Pid) + "-"
			var leftover string
			for deadline := time.Now().Add(60 * time.Second); leftover == "" && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
				entries, _ := os.ReadDir(work)
				for _, e := range entries {
					if strings.HasPrefix(e.Name(), prefix) {
						if files, _ := os.ReadDir(filepath.Join(work, e.Name(), "wallets", "monero", "w")); len(files) > 10 {
							leftover = filepath.Join(work, e.Name())
						}
					}
				}
			}
			child.Process.Kill()
			child.Wait()
			if leftover == "" {
				t.Fatal("the child restore never started writing (or finished first)")
			}
			if inPlace {
				for _, e := range listNames(t, first) {
					if !strings.HasPrefix(e, prefix) {
						t.Errorf("the killed restore left %s in %s", e, first)
					}
				}
			} else if _, err := os.Stat(first); err == nil {
				t.Fatal("the child finished before it was killed")
			}
			f, err := os.Open(backupPath)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			fi, _ := f.Stat()
			a, err := Open(f, fi.Size())
			if err != nil {
				t.Fatal(err)
			}
			second, wantBeside := filepath.Join(parent, "second"), []string{"second"}
			if inPlace {
				second, wantBeside = first, []string{"first"}
			}
			res, err := a.restore(t.Context(), testKeys, second, RestoreOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Reclaimed.Items != 1 || res.Reclaimed.Bytes == 0 {
				t.Errorf("Reclaimed = %+v", res.Reclaimed)
			}
			if got := listNames(t, parent); !slices.Equal(got, wantBeside) {
				t.Errorf("beside the restore: %v", got)
			}
			if got := listNames(t, second); !slices.Equal(got, []string{"wallets"}) {
				t.Errorf("in the restored folder: %v", got)
			}
		})
	}
}

// TestRestoreChild is the restore TestRestoreKilled kills.
func TestRestoreChild(t *testing.T) {
	path := os.Getenv("CAKEBACKUP_TEST_CHILD_RESTORE")
	if path == "" {
		t.Skip("run by TestRestoreKilled")
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := f.Stat()
	// Slow reads keep the restore going until it is killed.
	a, err := Open(slowReaderAt{f}, fi.Size())
	if err != nil {
		t.Fatal(err)
	}
	a.restore(t.Context(), testKeys, os.Getenv("CAKEBACKUP_TEST_CHILD_TARGET"), RestoreOptions{})
}

type slowReaderAt struct{ r *os.File }

func (s slowReaderAt) ReadAt(p []byte, off int64) (int, error) {
	time.Sleep(50 * time.Millisecond)
	return s.r.ReadAt(p, off)
}
