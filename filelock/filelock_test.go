package filelock_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
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
