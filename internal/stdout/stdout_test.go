package stdout

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// full stands for stdout on a full disk: it takes room bytes, then fails
// every write as an *os.File on /dev/full does.
type full struct {
	room int
	got  bytes.Buffer
}

func (w *full) Write(b []byte) (int, error) {
	n := min(len(b), w.room)
	w.got.Write(b[:n])
	w.room -= n
	if n < len(b) {
		return n, &fs.PathError{Op: "write", Path: "/dev/stdout", Err: syscall.ENOSPC}
	}
	return n, nil
}

func (w *full) took() string { return w.got.String() }

// short takes half of each write and says nothing of the rest.
type short struct{ got bytes.Buffer }

func (w *short) Write(b []byte) (int, error) { return w.got.Write(b[:len(b)/2]) }

func (w *short) took() string { return w.got.String() }

const noSpace = "could not write to stdout: no space left on device"

// TestWriter: what reaches the writer underneath, what each write
// returns, and the run's error once the writes are done; nothing is
// written after the first write that failed.
func TestWriter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		under interface {
			io.Writer
			took() string
		}
		returns []int // what the writes of "ab", "cd" and "ef" returned
		took    string
		err     string
	}{
		{"taken", &full{room: 6}, []int{2, 2, 2}, "abcdef", "<nil>"},
		{"full", &full{room: 3}, []int{2, 1, 0}, "abc", noSpace},
		{"full at once", &full{}, []int{0, 0, 0}, "", noSpace},
		{"short write", &short{}, []int{1, 0, 0}, "a", "could not write to stdout: short write"},
	}
	for _, tt := range tests {
		w := New(tt.under)
		for i, s := range []string{"ab", "cd", "ef"} {
			n, err := w.Write([]byte(s))
			if n != tt.returns[i] || (err == nil) != (n == len(s)) {
				t.Errorf("%s: write %d = %d, %v; want %d", tt.name, i+1, n, err, tt.returns[i])
			}
		}
		if got := fmt.Sprint(w.Verdict(nil)); got != tt.err {
			t.Errorf("%s: Verdict(nil) = %s, want %s", tt.name, got, tt.err)
		}
		if got := tt.under.took(); got != tt.took {
			t.Errorf("%s: took %q, want %q", tt.name, got, tt.took)
		}
	}
}

// TestVerdict: a failed write fails a run that would have succeeded, and
// is said alone when the run's error is the write's own; a run that
// failed for its own reason keeps its error.
func TestVerdict(t *testing.T) {
	t.Parallel()
	damaged := errors.New("the backup is damaged")
	tests := []struct {
		name   string
		failed bool // whether a write on the stream failed
		err    func(streamErr error) error
		want   string
	}{
		{"ok", false, func(error) error { return nil }, "<nil>"},
		{"own failure", false, func(error) error { return damaged }, damaged.Error()},
		{"write failed", true, func(error) error { return nil }, noSpace},
		{"write's own failure", true, func(e error) error { return fmt.Errorf("writing JSON: %w", e) }, noSpace},
		{"own failure and write failed", true, func(error) error { return damaged }, damaged.Error()},
	}
	for _, tt := range tests {
		w := New(&full{})
		var streamErr error
		if tt.failed {
			_, streamErr = w.Write([]byte("x"))
		}
		if got := fmt.Sprint(w.Verdict(tt.err(streamErr))); got != tt.want {
			t.Errorf("%s: Verdict = %s, want %s", tt.name, got, tt.want)
		}
	}
}

// TestWriteFailure: the failure is printed as a whole JSON object, only
// when the run printed nothing of its own.
func TestWriteFailure(t *testing.T) {
	t.Parallel()
	f := Failure{Error: "no backup at /x", ExitCode: 2}
	tests := []struct {
		before, want string
	}{
		{"", "{\n  \"error\": \"no backup at /x\",\n  \"exit_code\": 2\n}\n"},
		{"{}\n", "{}\n"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		w := New(&out)
		io.WriteString(w, tt.before)
		if err := w.WriteFailure(f); err != nil || out.String() != tt.want {
			t.Errorf("after %q: WriteFailure printed %q, %v; want %q", tt.before, out.String(), err, tt.want)
		}
	}
}

// TestCause: the stream's error without what callers added, any other
// error as it is.
func TestCause(t *testing.T) {
	t.Parallel()
	_, streamErr := New(&full{}).Write([]byte("x"))
	other := errors.New("writing JSON: unsupported value")
	tests := []struct {
		err, want error
	}{
		{fmt.Errorf("writing JSON: %w", streamErr), streamErr},
		{streamErr, streamErr},
		{other, other},
		{nil, nil},
	}
	for _, tt := range tests {
		if got := Cause(tt.err); got != tt.want {
			t.Errorf("Cause(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

// TestFd: terminal checks see the file under the stream; a writer that
// is no file has no descriptor.
func TestFd(t *testing.T) {
	t.Parallel()
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := New(f).Fd(); got != f.Fd() {
		t.Errorf("Fd over a file = %d, want %d", got, f.Fd())
	}
	if got := New(new(bytes.Buffer)).Fd(); got != ^uintptr(0) {
		t.Errorf("Fd over a buffer = %d, want ^0", got)
	}
}
