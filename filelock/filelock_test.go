package filelock_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/cakebackup/cakebackup/filelock"
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
		// Without this the collector may finalize f, closing it and
		// dropping the lock while the child still runs.
		defer runtime.KeepAlive(f)
		if filelock.TryLock(f) != nil {
			os.Exit(3)
		}
		os.Stdout.WriteString("locked\n")
		select {}
	}
	path := filepath.Join(t.TempDir(), "lock")
	os.WriteFile(path, nil, 0o600)
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockDiesWithItsProcess$")
	cmd.Env = append(os.Environ(), "FILELOCK_HOLD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 7)
	if _, err := out.Read(buf); err != nil || string(buf) != "locked\n" {
		t.Fatalf("child said %q (%v)", buf, err)
	}
	f, _ := os.Open(path)
	defer f.Close()
	if err := filelock.TryLock(f); !errors.Is(err, filelock.ErrLocked) {
		t.Fatalf("TryLock while the child holds it = %v", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
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
		select {}
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
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	buf := make([]byte, 8)
	if _, err := out.Read(buf); err != nil || string(buf) != "started\n" {
		t.Fatalf("child said %q (%v)", buf, err)
	}
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
}
