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

// cancelingReader ends its context with cause as it is read, then gives
// data and err: an answer that comes in as the person presses Ctrl-C.
type cancelingReader struct {
	cancel context.CancelCauseFunc
	cause  error
	data   string
	err    error
}

func (r *cancelingReader) Read(b []byte) (int, error) {
	r.cancel(r.cause)
	n := copy(b, r.data)
	r.data = r.data[n:]
	if r.data == "" && r.err != nil {
		return n, r.err
	}
	return n, nil
}

// A context that ends as a read answers wins over the answer, whatever it
// is, and every reader returns its cause itself, not wrapped in
// "reading ..." or a *SourceError. (Whether the answer is already waiting
// when readUntil looks is up to the scheduler; the repeats give both
// orders a chance.)
func TestReadsReturnTheCauseItself(t *testing.T) {
	stop := errors.New("interrupted")
	reads := []struct {
		name string
		read func(context.Context, io.Reader) (string, error)
	}{
		{"Line", func(ctx context.Context, r io.Reader) (string, error) {
			return NewPrompter(r, io.Discard).Line(ctx, "Username: ")
		}},
		{"Hidden", func(ctx context.Context, r io.Reader) (string, error) {
			return NewPrompter(r, io.Discard).Hidden(ctx, "Password: ")
		}},
		{"Sources.Read", func(ctx context.Context, r io.Reader) (string, error) {
			pw, _, err := Sources{Stdin: r}.Read(ctx)
			return pw, err
		}},
	}
	answers := []struct {
		name string
		data string
		err  error
	}{
		{"an answer", "s3cret\n", nil},
		{"a read error", "", io.ErrClosedPipe},
		{"an empty line", "\n", nil},
		{"the end of input", "", io.EOF},
	}
	for _, rd := range reads {
		for _, a := range answers {
			for range 20 { // select picks at random when both are ready
				ctx, cancel := context.WithCancelCause(context.Background())
				r := &cancelingReader{cancel: cancel, cause: stop, data: a.data, err: a.err}
				got, err := rd.read(ctx, r)
				if err != stop || got != "" {
					t.Fatalf("%s of %s as the context ends = %q, %v; want \"\" and the cause itself", rd.name, a.name, got, err)
				}
			}
		}
	}
}
