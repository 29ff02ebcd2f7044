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
	s, err := readUntil(ctx, func() (string, error) { return p.in.ReadString('\n') })
	if ctx.Err() != nil {
		if p.tty != nil {
			fmt.Fprintln(p.prompt)
		}
		return "", context.Cause(ctx)
	}
	s = strings.TrimSpace(s)
	if s == "" {
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("reading %s: %w", strings.TrimSuffix(prompt, ": "), err)
		}
		return "", ErrNoAnswer
	}
	return s, nil
}

// Hidden asks for a secret answer, bounded like every secret (ReadLine).
// An empty answer typed on the terminal is ErrEmpty. When ctx ends first
// it returns ctx's cause, as Line does, with the terminal put back.
func (p *Prompter) Hidden(ctx context.Context, prompt string) (string, error) {
	what := strings.TrimSuffix(prompt, ": ")
	var s string
	var err error
	if p.tty == nil {
		s, err = readUntil(ctx, func() (string, error) { return ReadLine(p.in) })
		if errors.Is(err, ErrEmpty) {
			return "", ErrNoAnswer
		}
	} else {
		s, err = PromptContext(ctx, p.tty, p.prompt, prompt)
	}
	switch {
	case ctx.Err() != nil:
		return "", context.Cause(ctx)
	case errors.Is(err, ErrEmpty):
		return "", ErrEmpty
	case err != nil:
		return "", fmt.Errorf("reading %s: %w", what, err)
	}
	return s, nil
}

// readUntil returns what read returns, or ctx's cause when ctx ends
// first. read runs on a goroutine of its own, left to end with the
// process when ctx wins.
func readUntil(ctx context.Context, read func() (string, error)) (string, error) {
	type answer struct {
		s   string
		err error
	}
	answered := make(chan answer, 1)
	go func() {
		s, err := read()
		answered <- answer{s, err}
	}()
	select {
	case a := <-answered:
		return a.s, a.err
	case <-ctx.Done():
		return "", context.Cause(ctx)
	}
}
