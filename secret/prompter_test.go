package secret

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// Without a terminal, each answer is the next line of the input, and a
// missing one is ErrNoAnswer.
func TestPrompterWithoutTerminal(t *testing.T) {
	p := NewPrompter(strings.NewReader("  ana  \ns3cret\r\n\n"), io.Discard)
	if got, err := p.Line("Username: "); got != "ana" || err != nil {
		t.Fatalf("Line = %q, %v", got, err)
	}
	if got, err := p.Hidden("Password: "); got != "s3cret" || err != nil {
		t.Fatalf("Hidden = %q, %v", got, err)
	}
	if _, err := p.Hidden("Mailbox password: "); !errors.Is(err, ErrNoAnswer) {
		t.Fatalf("Hidden on an empty line = %v, want ErrNoAnswer", err)
	}
	if _, err := p.Line("Code: "); !errors.Is(err, ErrNoAnswer) {
		t.Fatalf("Line at the end of input = %v, want ErrNoAnswer", err)
	}
	long := NewPrompter(strings.NewReader(strings.Repeat("x", MaxSize+1)+"\n"), io.Discard)
	if _, err := long.Hidden("Password: "); !errors.Is(err, ErrTooLong) {
		t.Fatalf("Hidden of a too long line = %v, want ErrTooLong", err)
	}
}
