// Package childtest runs a test's child process: a copy of the test
// binary that holds something (a lock, a file being written) until the
// parent kills it or lets it go.
//
// A child must block in a read, not in select {}: the Go runtime ends a
// process whose goroutines all sleep at once ("all goroutines are asleep
// - deadlock!"), so such a child would drop what it holds before the
// parent looked, whenever its exit won the race.
package childtest

import (
	"io"
	"os"
	"os/exec"
	"testing"
)

// WaitForParent blocks the child until its parent closes the child's
// standard input (or dies).
func WaitForParent() { _, _ = io.Copy(io.Discard, os.Stdin) }

// Start starts cmd, a child process running one test of this binary,
// waits for it to write ready on its standard output and returns its
// standard input, which lets the child go (WaitForParent) when closed.
// The test ends the child at the latest.
func Start(t testing.TB, cmd *exec.Cmd, ready string) io.Closer {
	t.Helper()
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	buf := make([]byte, len(ready))
	if _, err := io.ReadFull(out, buf); err != nil || string(buf) != ready {
		t.Fatalf("child said %q (%v), want %q", buf, err, ready)
	}
	return stdin
}
