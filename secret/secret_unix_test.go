//go:build unix

package secret_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/cakebackup/cakebackup/secret"
)

func TestReadFileFromPipe(t *testing.T) {
	dir := t.TempDir()
	// A pipe, as <(pass show x) gives.
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip("no FIFOs here:", err)
	}
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err == nil {
			f.WriteString("from a pipe\n")
			f.Close()
		}
	}()
	if pw, err := secret.ReadFile(fifo); err != nil || pw != "from a pipe" {
		t.Errorf("fifo: %q, %v", pw, err)
	}
}

func TestNoCoreDumps(t *testing.T) {
	var before syscall.Rlimit
	syscall.Getrlimit(syscall.RLIMIT_CORE, &before)
	t.Cleanup(func() { syscall.Setrlimit(syscall.RLIMIT_CORE, &before) })
	if err := secret.NoCoreDumps(); err != nil {
		t.Fatal(err)
	}
	var after syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_CORE, &after); err != nil || after.Cur != 0 || after.Max != 0 {
		t.Fatalf("RLIMIT_CORE = %+v (%v), want 0", after, err)
	}
}

// A password source that waits (standard input nobody types on, a named
// pipe nobody writes) gives up when the context ends, with its cause.
func TestSourcesReadEndsWithContext(t *testing.T) {
	stop := errors.New("interrupted")
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(stop)
	r, w := io.Pipe()
	defer w.Close()
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	t.Cleanup(func() { // lets the read left waiting on the pipe end
		if f, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			f.Close()
		}
	})
	for _, src := range []secret.Sources{{Stdin: r}, {File: fifo}} {
		if _, _, err := src.Read(ctx); !errors.Is(err, stop) {
			t.Errorf("%+v: Read after the context ended = %v, want its cause", src, err)
		}
	}
}
