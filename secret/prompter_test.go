package secret

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

// Without a terminal, each answer is the next line of the input, and a
// missing one is ErrNoAnswer.
func TestPrompterWithoutTerminal(t *testing.T) {
	ctx := context.Background()
	p := NewPrompter(strings.NewReader("  ana  \ns3cret\r\n\n"), io.Discard)
	if got, err := p.Line(ctx, "Username: "); got != "ana" || err != nil {
		t.Fatalf("Line = %q, %v", got, err)
	}
	if got, err := p.Hidden(ctx, "Password: "); got != "s3cret" || err != nil {
		t.Fatalf("Hidden = %q, %v", got, err)
	}
	if _, err := p.Hidden(ctx, "Mailbox password: "); !errors.Is(err, ErrNoAnswer) {
		t.Fatalf("Hidden on an empty line = %v, want ErrNoAnswer", err)
	}
	if _, err := p.Line(ctx, "Code: "); !errors.Is(err, ErrNoAnswer) {
		t.Fatalf("Line at the end of input = %v, want ErrNoAnswer", err)
	}
	long := NewPrompter(strings.NewReader(strings.Repeat("x", MaxSize+1)+"\n"), io.Discard)
	if _, err := long.Hidden(ctx, "Password: "); !errors.Is(err, ErrTooLong) {
		t.Fatalf("Hidden of a too long line = %v, want ErrTooLong", err)
	}
}

// A read that waits (here a pipe nobody writes to; at a terminal, a
// person who pressed Ctrl-C instead of Enter) ends with the context,
// returning its cause.
func TestPrompterEndsWithContext(t *testing.T) {
	stop := errors.New("interrupted")
	for _, hidden := range []bool{false, true} {
		r, w := io.Pipe()
		defer w.Close()
		p := NewPrompter(r, io.Discard)
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(stop)
		ask := p.Line
		if hidden {
			ask = p.Hidden
		}
		if _, err := ask(ctx, "Username: "); !errors.Is(err, stop) {
			t.Errorf("hidden %v: answer after the context ended = %v, want its cause", hidden, err)
		}
	}
}
