package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/cakebackup/cakebackup/internal/testparallel"
)

// programName is the name the tests start the program by.
const programName = "cakebackup"

// binDir is where the program is put for the tests that run it as a
// separate process; TestMain makes it and removes it after the tests.
var binDir string

// programPath puts the program, once for all the tests that run it as a
// separate process (in a terminal, a desktop session, to get a signal),
// in binDir under programName: this test binary, which
// holds the same package main and runs its main when started under that
// name (see TestMain). Linking a second binary with go build cost about
// 4 s of CPU per run of these tests, and held up every test that needed
// it for as long.
var programPath = onceFixture(func() (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(binDir, programName)
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	// A hard link, so that the process's own path (/proc/self/exe) is
	// bin; a copy where the two folders are on different file systems.
	if err := os.Link(self, bin); err == nil {
		return bin, nil
	}
	return bin, copyExecutable(self, bin)
})

// homeEnv is the environment of the program run as a process of its
// own in home: its folders there, this PATH, and nothing else (no
// password, no desktop).
func homeEnv(home string) []string {
	return []string{
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_STATE_HOME=" + filepath.Join(home, ".local", "state"),
		"XDG_DATA_HOME=" + filepath.Join(home, ".local", "share"),
		"PATH=" + os.Getenv("PATH"),
	}
}

// copyExecutable copies the file at from to a new executable file to.
// Like writeScript, it holds syscall.ForkLock while to is open for
// writing: a process another test starts meanwhile would inherit the open
// file until it calls exec, and running to would fail with "text file
// busy" (ETXTBSY; Go issue 22315). Seen on a loaded machine as
// TestRefusedReadIsNoMissingFile's first run as nobody failing.
func copyExecutable(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o700)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// TestMain runs the program itself when this binary was started under
// programName (by a test, through programPath); otherwise it lets
// eight tests run at once: most of them wait on child processes,
// terminals, a display or the Proton bridge's 5-second pause after each
// rename, not on a CPU.
func TestMain(m *testing.M) {
	if strings.TrimSuffix(filepath.Base(os.Args[0]), ".exe") == programName {
		main() // exits
	}
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
