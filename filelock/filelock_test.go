package filelock_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/cakebackup/cakebackup/filelock"
	"github.com/cakebackup/cakebackup/internal/childtest"
)

func TestTryLock(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lock")
	a, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := filelock.TryLock(a); err != nil {
		t.Fatal(err)
	}
	b, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := filelock.TryLock(b); !errors.Is(err, filelock.ErrLocked) {
		t.Fatalf("second TryLock = %v, want ErrLocked", err)
	}
	// The holder writes and reads its own file as usual.
	if _, err := a.Write([]byte("data")); err != nil {
		t.Fatal(err)
	}
	a.Close()
	if err := filelock.TryLock(b); err != nil {
		t.Fatalf("TryLock after the holder closed = %v", err)
	}
}

// TestLockDiesWithItsProcess: a lock held by a process that was killed
// can be taken at once.
func TestLockDiesWithItsProcess(t *testing.T) {
	if os.Getenv("FILELOCK_HOLD") != "" {
		f, err := os.Open(os.Getenv("FILELOCK_HOLD"))
		if err != nil {
			os.Exit(2)
		}
		if filelock.TryLock(f) != nil {
			os.Exit(3)
		}
		os.Stdout.WriteString("locked\n")
		childtest.WaitForParent()
		// Until here the collector must not finalize f, which would
		// close it and drop the lock while the child still runs.
		runtime.KeepAlive(f)
		os.Exit(0)
	}
	path := filepath.Join(t.TempDir(), "lock")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockDiesWithItsProcess$")
	cmd.Env = append(os.Environ(), "FILELOCK_HOLD="+path)
	childtest.Start(t, cmd, "locked\n")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := filelock.TryLock(f); !errors.Is(err, filelock.ErrLocked) {
		t.Fatalf("TryLock while the child holds it = %v", err)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	// Killed, not ended by itself before (on Windows a killed process
	// has exited too).
	if cmd.Wait(); cmd.ProcessState.Exited() && runtime.GOOS != "windows" {
		t.Fatalf("the child ended by itself (%v), not by the kill", cmd.ProcessState)
	}
	if err := filelock.TryLock(f); err != nil {
		t.Fatalf("TryLock after the holder was killed = %v", err)
	}
}

// TestReleaseWhileAChildHoldsACopy: a child process that holds a copy of
// the locked file's descriptor (as every child does between its start and
// the exec of its program) does not keep a released lock held.
func TestReleaseWhileAChildHoldsACopy(t *testing.T) {
	if os.Getenv("FILELOCK_SLEEP") != "" {
		os.Stdout.WriteString("started\n")
		childtest.WaitForParent()
		os.Exit(0)
	}
	path := filepath.Join(t.TempDir(), "lock")
	a, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := filelock.TryLock(a); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestReleaseWhileAChildHoldsACopy$")
	cmd.Env = append(os.Environ(), "FILELOCK_SLEEP=1")
	cmd.ExtraFiles = []*os.File{a} // the child's copy of the descriptor
	stdin := childtest.Start(t, cmd, "started\n")
	if err := filelock.Release(a); err != nil {
		t.Fatal(err)
	}
	b, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := filelock.TryLock(b); err != nil {
		t.Fatalf("TryLock after Release while a child holds a copy = %v, want the lock", err)
	}
	// The child held its copy all along: it ends only now, when told.
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v, want it to end when told to", err)
	}
}
