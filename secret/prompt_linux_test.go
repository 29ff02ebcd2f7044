package secret_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/cakebackup/cakebackup/secret"
)

// writerFunc is an io.Writer made of a function.
type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

// TestPromptContextOnTerminal reads a password on a real pseudo-terminal:
// echo is off by the time the prompt shows (else a Ctrl-C right after it
// could put echo back before it went off, leaving the shell typing
// blind), nothing typed is echoed, and after the answer or a Ctrl-C the
// terminal echoes again.
func TestPromptContextOnTerminal(t *testing.T) {
	tests := []struct {
		name   string
		typed  string // written to the terminal once the prompt shows; "" for Ctrl-C
		want   string
		wantIs error
	}{
		{name: "answer", typed: "hunter2 wallet\n", want: "hunter2 wallet"},
		{name: "answer with a backspace", typed: "hunter22\b\n", want: "hunter2"},
		{name: "empty", typed: "\n", wantIs: secret.ErrEmpty},
		{name: "Ctrl-C at the prompt", wantIs: context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ptmx, tty, err := pty.Open()
			if err != nil {
				t.Skip("no pseudo-terminal here:", err)
			}
			defer ptmx.Close()
			defer tty.Close()
			var echoed bytes.Buffer
			done := make(chan struct{})
			go func() { io.Copy(&echoed, ptmx); close(done) }()

			echoing := func() bool {
				tio, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
				if err != nil {
					t.Error(err)
					return false
				}
				return tio.Lflag&unix.ECHO != 0
			}
			if !echoing() {
				t.Fatal("a new terminal does not echo")
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var echoAtPrompt atomic.Bool
			w := writerFunc(func(b []byte) (int, error) {
				if strings.Contains(string(b), "Password:") {
					echoAtPrompt.Store(echoing())
					if tt.typed == "" {
						cancel() // Ctrl-C as the prompt shows
					} else if _, err := ptmx.WriteString(tt.typed); err != nil {
						t.Error(err)
					}
				}
				return len(b), nil
			})
			got, err := secret.PromptContext(ctx, tty, w, "Password: ")
			if tt.wantIs != nil {
				if !errors.Is(err, tt.wantIs) {
					t.Fatalf("PromptContext = %q, %v; want %v", got, err, tt.wantIs)
				}
			} else if err != nil || got != tt.want {
				t.Fatalf("PromptContext = %q, %v; want %q", got, err, tt.want)
			}
			if echoAtPrompt.Load() {
				t.Error("the terminal still echoed when the prompt showed")
			}
			if !echoing() {
				t.Error("the terminal was left without echo")
			}
			if tt.typed == "" {
				// The reader left waiting on the terminal ends with the
				// process in real use; here a line ends it.
				if _, err := ptmx.WriteString("\n"); err != nil {
					t.Error(err)
				}
			}
			tty.Close()
			<-done
			if tt.typed != "" && strings.Contains(echoed.String(), strings.TrimSpace(tt.typed)) && tt.want != "" {
				t.Errorf("the terminal echoed what was typed: %q", echoed.String())
			}
		})
	}
}

// answeringTerminal is a real pseudo-terminal on which typed[i] is typed
// as the i-th prompt (a write ending in ": ") shows on w; prompts returns
// the prompts shown. It is closed when the test ends.
func answeringTerminal(t *testing.T, typed []string) (tty *os.File, w io.Writer, prompts func() []string) {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skip("no pseudo-terminal here:", err)
	}
	done := make(chan struct{})
	go func() { io.Copy(io.Discard, ptmx); close(done) }()
	t.Cleanup(func() {
		tty.Close()
		<-done
		ptmx.Close()
	})
	var shown []string
	w = writerFunc(func(b []byte) (int, error) {
		if s := string(b); strings.HasSuffix(s, ": ") {
			shown = append(shown, s)
			if n := len(shown); n <= len(typed) {
				if _, err := ptmx.WriteString(typed[n-1]); err != nil {
					t.Error(err)
				}
			}
		}
		return len(b), nil
	})
	return tty, w, func() []string { return shown }
}

// TestPromptNew types a new password twice on a real pseudo-terminal: the
// same answer twice is the password, two different ones or an empty one
// are refused.
func TestPromptNew(t *testing.T) {
	tests := []struct {
		name   string
		typed  []string // one answer per prompt, in order
		want   string
		wantIs error
	}{
		{name: "the same twice", typed: []string{"hunter2 wallet\n", "hunter2 wallet\n"}, want: "hunter2 wallet"},
		{name: "two different", typed: []string{"hunter2 wallet\n", "hunter3 wallet\n"}, wantIs: secret.ErrPasswordsDiffer},
		{name: "empty first", typed: []string{"\n"}, wantIs: secret.ErrEmpty},
		{name: "empty again", typed: []string{"hunter2 wallet\n", "\n"}, wantIs: secret.ErrEmpty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tty, w, prompts := answeringTerminal(t, tt.typed)
			got, err := secret.PromptNew(context.Background(), tty, w, "New password: ", "Again: ")
			if tt.wantIs != nil {
				if !errors.Is(err, tt.wantIs) {
					t.Fatalf("PromptNew = %q, %v; want %v", got, err, tt.wantIs)
				}
			} else if err != nil || got != tt.want {
				t.Fatalf("PromptNew = %q, %v; want %q", got, err, tt.want)
			}
			if want := []string{"New password: ", "Again: "}[:len(tt.typed)]; !slices.Equal(prompts(), want) {
				t.Errorf("prompts shown: %q, want %q", prompts(), want)
			}
		})
	}
}

// TestReadOrPromptOnTerminal: with standard input a real pseudo-terminal,
// ReadOrPrompt asks once and ReadNew twice when no source is given; a
// source given (or Generate) is taken without asking anything.
func TestReadOrPromptOnTerminal(t *testing.T) {
	generate := func() (string, error) { return "k7m2p-xq9rt", nil }
	tests := []struct {
		name        string
		new         bool // ReadNew, else ReadOrPrompt
		src         secret.Sources
		typed       []string // one answer per prompt, in order
		want        string
		wantFrom    string
		wantIs      error
		wantPrompts []string
	}{
		{name: "asked", typed: []string{"hunter2 wallet\n"}, want: "hunter2 wallet", wantFrom: "the terminal", wantPrompts: []string{"Password: "}},
		{name: "asked, empty", typed: []string{"\n"}, wantIs: secret.ErrEmpty, wantPrompts: []string{"Password: "}},
		{name: "given, not asked", src: secret.Sources{Env: "from env", EnvName: "$PW"}, want: "from env", wantFrom: "$PW"},
		{name: "new, the same twice", new: true, typed: []string{"hunter2 wallet\n", "hunter2 wallet\n"}, want: "hunter2 wallet", wantFrom: "the terminal", wantPrompts: []string{"New password: ", "Again: "}},
		{name: "new, two different", new: true, typed: []string{"hunter2 wallet\n", "hunter3 wallet\n"}, wantIs: secret.ErrPasswordsDiffer, wantPrompts: []string{"New password: ", "Again: "}},
		{name: "new, generated, not asked", new: true, src: secret.Sources{Generate: generate}, want: "k7m2p-xq9rt", wantFrom: secret.Generated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tty, w, prompts := answeringTerminal(t, tt.typed)
			ctx := context.Background()
			var got, from string
			var err error
			if tt.new {
				got, from, err = tt.src.ReadNew(ctx, tty, w, "New password: ", "Again: ")
			} else {
				got, from, err = tt.src.ReadOrPrompt(ctx, tty, w, "Password: ")
			}
			if tt.wantIs != nil {
				if !errors.Is(err, tt.wantIs) {
					t.Fatalf("read = %q, %q, %v; want %v", got, from, err, tt.wantIs)
				}
			} else if err != nil || got != tt.want || from != tt.wantFrom {
				t.Fatalf("read = %q, %q, %v; want %q from %q", got, from, err, tt.want, tt.wantFrom)
			}
			if !slices.Equal(prompts(), tt.wantPrompts) {
				t.Errorf("prompts shown: %q, want %q", prompts(), tt.wantPrompts)
			}
		})
	}
}
