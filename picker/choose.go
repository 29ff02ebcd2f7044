package picker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/cakebackup/cakebackup/internal/errloc"
	"github.com/cakebackup/cakebackup/local"
	"github.com/cakebackup/cakebackup/secret"
)

// ErrNoTerminal is returned by Chooser.Choose when the terminal picker is
// needed but standard input is not a terminal: there is nobody to ask.
var ErrNoTerminal = errors.New("no terminal to show the folder picker on")

// Chooser lets a person choose a destination the best way this session
// offers: the desktop's folder chooser when there is a desktop session,
// and the terminal picker otherwise, when TerminalOnly is set, or when
// the desktop's chooser fails to run.
type Chooser struct {
	// Title is the title of the desktop's folder chooser.
	Title string
	// GOOS (runtime.GOOS) and Getenv find the desktop session, its
	// chooser, the home and Downloads folders; a nil Getenv is an empty
	// environment (no desktop session, no home folder).
	GOOS   string
	Getenv func(string) string
	// Drives finds the removable drives plugged in now
	// (local.Detector.Drives); nil offers none.
	Drives func(context.Context) ([]local.Drive, error)
	// Stdin is where the terminal picker reads keys. It draws on Stderr,
	// or on the controlling terminal when Stderr is not one: never on
	// stdout, which carries the result.
	Stdin  io.Reader
	Stderr io.Writer
	// TerminalOnly skips the desktop's chooser.
	TerminalOnly bool
	// More returns the sources the terminal picker browses besides this
	// computer's folders, such as Proton Drive when logged in; nil for
	// none. Those with a Close(context.Context) method are closed after.
	More func() []FolderSource
	// Fallback, when set, is told why the desktop's chooser failed when
	// the terminal picker is shown instead.
	Fallback func(error)
}

// Choose returns the --dest spec of the folder the person chose. It
// returns an error wrapping ErrNoDestination when they cancel,
// ErrInterrupted on Ctrl-C in the terminal picker, and ErrNoTerminal when
// the terminal picker is needed without a terminal (after the desktop
// chooser's failure, if it failed).
func (c Chooser) Choose(ctx context.Context) (string, error) {
	folders := ThisComputer(ctx, c.Getenv, c.Drives)
	var dialogErr error // why the desktop's chooser failed, if it did
	if !c.TerminalOnly {
		if dialog, ok := FindNativeDialog(c.GOOS, c.Getenv); ok {
			dir, err := dialog.Choose(ctx, folders.Start, c.Title)
			switch {
			case err == nil:
				return folders.Spec(dir), nil
			case errors.Is(err, ErrNoDestination), ctx.Err() != nil:
				return "", err
			}
			dialogErr = err
		}
	}
	in, out, closeTerm, err := OpenTerminal(c.Stdin, c.Stderr)
	if err != nil {
		if dialogErr != nil {
			// One line for the failure: both reasons.
			return "", fmt.Errorf("%s; and %w", errloc.OneLine(dialogErr.Error()), err)
		}
		return "", err
	}
	defer closeTerm()
	if dialogErr != nil && c.Fallback != nil {
		c.Fallback(dialogErr)
	}
	sources := []FolderSource{folders}
	if c.More != nil {
		sources = append(sources, c.More()...)
	}
	defer func() {
		for _, s := range sources {
			if cl, ok := s.(interface{ Close(context.Context) }); ok {
				cl.Close(ctx)
			}
		}
	}()
	choice, err := RunTerminal(ctx, in, out, sources)
	if err != nil {
		return "", err
	}
	return choice.Spec, nil
}

// OpenTerminal returns where the terminal picker reads keys and draws:
// stdin, and stderr, or the controlling terminal when stderr is not a
// terminal. It returns ErrNoTerminal when stdin is not a terminal;
// closeTerm closes what it opened.
func OpenTerminal(stdin io.Reader, stderr io.Writer) (in io.Reader, out io.Writer, closeTerm func(), err error) {
	if f, _ := stdin.(*os.File); !secret.IsTerminal(f) {
		return nil, nil, nil, ErrNoTerminal
	}
	if f, _ := stderr.(*os.File); secret.IsTerminal(f) {
		return stdin, stderr, func() {}, nil
	}
	tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("no terminal to draw the folder picker on: %w", err)
	}
	return stdin, tty, func() { tty.Close() }, nil
}
