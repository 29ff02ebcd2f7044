package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/cakebackup/cakebackup/internal/testparallel"
)

// binDir is where buildCakebackup puts the binary; TestMain makes it and
// removes it after the tests.
var binDir string

// builtBinary builds the real binary from this package once for all the
// tests that run it as a program: linking it costs seconds of CPU.
var builtBinary = sync.OnceValues(func() (string, error) {
	bin := filepath.Join(binDir, "cakebackup")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// buildCakebackup returns the real binary built from this package.
func buildCakebackup(t testing.TB) string {
	t.Helper()
	bin, err := builtBinary()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// TestMain builds nothing up front, and lets eight tests run at once:
// most of them wait on child processes, terminals, a display or the
// Proton bridge's 5-second pause after each rename, not on a CPU.
func TestMain(m *testing.M) {
	testparallel.Default(8)
	dir, err := os.MkdirTemp("", "cakebackup-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
