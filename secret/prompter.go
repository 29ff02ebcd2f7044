package secret

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// ErrNoAnswer is returned when there is nobody to ask: without a
// terminal the input ended, or gave an empty line, where the answer was
// due; on a terminal a visible answer was left empty.
var ErrNoAnswer = errors.New("no answer given")

// Prompter asks a person a series of questions: on a terminal it shows
// each prompt and hides secret answers; without one it reads one answer
// per line from its input, as a script gives them, and shows nothing.
type Prompter struct {
	in     *bufio.Reader
	tty    *os.File // nil without a terminal
	prompt io.Writer
}

// NewPrompter returns a Prompter reading answers from in and showing
// prompts on prompt when in is a terminal.
func NewPrompter(in io.Reader, prompt io.Writer) *Prompter {
	p := &Prompter{in: bufio.NewReader(in), prompt: prompt}
	if f, ok := in.(*os.File); ok && IsTerminal(f) {
		p.tty = f
	}
	return p
}

// Line asks for a visible answer and returns it without surrounding
// spaces. When ctx ends first (Ctrl-C: a read from a terminal waits for
// Enter) it returns ctx's cause, and the Prompter is not to be used again.
func (p *Prompter) Line(ctx context.Context, prompt string) (string, error) {
	if p.tty != nil {
		fmt.Fprint(p.prompt, prompt)
	}
	return readUntil(ctx, func() (string, error) {
		s, err := p.in.ReadString('\n')
		s = strings.TrimSpace(s)
		if s == "" {
			if err != nil && !errors.Is(err, io.EOF) {
				return "", fmt.Errorf("reading %s: %w", strings.TrimSuffix(prompt, ": "), err)
			}
			return "", ErrNoAnswer
		}
		return s, nil
	}, func() {
		if p.tty != nil {
			fmt.Fprintln(p.prompt)
		}
	})
}

// Hidden asks for a secret answer, bounded like every secret (ReadLine).
// An empty answer typed on the terminal is ErrEmpty. When ctx ends first
// it returns ctx's cause, as Line does, with the terminal put back.
func (p *Prompter) Hidden(ctx context.Context, prompt string) (string, error) {
	answer := func(s string, err error) (string, error) {
		switch {
		case errors.Is(err, ErrEmpty) && p.tty == nil:
			return "", ErrNoAnswer
		case errors.Is(err, ErrEmpty):
			return "", ErrEmpty
		case err != nil:
			return "", fmt.Errorf("reading %s: %w", strings.TrimSuffix(prompt, ": "), err)
		}
		return s, nil
	}
	if p.tty == nil {
		return readUntil(ctx, func() (string, error) { return answer(ReadLine(p.in)) }, nil)
	}
	return promptUntil(ctx, p.tty, p.prompt, func() (string, error) {
		return answer(promptLine(p.tty, p.prompt, prompt))
	})
}

// readUntil returns what read returns, or ctx's cause itself (not
// wrapped) when ctx ends first or while read answers, calling ended
// first when it is not nil (a terminal to put back, a line to end). It
// is the one place a read learns of ctx: read runs on a goroutine of its
// own, left to end with the process when ctx wins, so read gives its
// errors in their final form and the caller returns readUntil's as they
// are.
func readUntil(ctx context.Context, read func() (string, error), ended func()) (string, error) {
	type answer struct {
		s   string
		err error
	}
	answered := make(chan answer, 1)
	go func() {
		s, err := read()
		answered <- answer{s, err}
	}()
	var a answer
	select {
	case a = <-answered:
	case <-ctx.Done():
	}
	if ctx.Err() != nil { // also when both were ready and select chose the answer
		if ended != nil {
			ended()
		}
		return "", context.Cause(ctx)
	}
	return a.s, a.err
}
