package secret

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/term"
)

// ErrNoPassword is returned by Sources.Read when no source was given.
var ErrNoPassword = errors.New("no password given")

// ErrSeveralSources is returned by Sources.Read when more than one source
// was given: which one was meant is not for cakebackup to guess.
var ErrSeveralSources = errors.New("the password was given more than one way")

// Sources are the ways a person gives a password of their own: a file,
// standard input, an environment variable. There is deliberately no
// command-line argument: argv is visible to every user of the machine.
type Sources struct {
	// File is a password file to read the first line of, or "".
	File string
	// Stdin, when not nil, is standard input to read the first line of.
	Stdin io.Reader
	// Env is the value of the environment variable EnvName, or "".
	Env, EnvName string
}

// SourceError is a password source that was given but gave no password.
type SourceError struct {
	// From is "password file" or "password from standard input".
	From string
	Err  error
}

// Error implements error.
func (e *SourceError) Error() string { return e.From + ": " + e.Err.Error() }

// Unwrap returns why the source gave no password.
func (e *SourceError) Unwrap() error { return e.Err }

// Read returns the password and where it came from ("password file",
// "standard input" or EnvName). It returns ErrSeveralSources when more
// than one source is given, ErrNoPassword when none is, and a
// *SourceError when the one given fails. A read that waits (a terminal
// on standard input, a named pipe as the file) gives up when ctx ends,
// returning ctx's cause.
func (s Sources) Read(ctx context.Context) (pw, from string, err error) {
	given := 0
	for _, set := range []bool{s.File != "", s.Stdin != nil, s.Env != ""} {
		if set {
			given++
		}
	}
	switch {
	case given > 1:
		return "", "", ErrSeveralSources
	case s.File != "":
		pw, err = readUntil(ctx, fromSource("password file", func() (string, error) { return ReadFile(s.File) }), nil)
		if err != nil {
			return "", "", err
		}
		return pw, "password file", nil
	case s.Stdin != nil:
		pw, err = readUntil(ctx, fromSource("password from standard input", func() (string, error) { return FirstLine(s.Stdin) }), nil)
		if err != nil {
			return "", "", err
		}
		return pw, "standard input", nil
	case s.Env != "":
		return s.Env, s.EnvName, nil
	}
	return "", "", ErrNoPassword
}

// fromSource makes read's error a *SourceError from the source from.
func fromSource(from string, read func() (string, error)) func() (string, error) {
	return func() (string, error) {
		pw, err := read()
		if err != nil {
			return "", &SourceError{From: from, Err: err}
		}
		return pw, nil
	}
}

// PromptContext shows label on w and reads one line from the terminal
// tty without echoing it. It gives up when ctx ends (Ctrl-C at the
// prompt: the terminal does not echo, so the read would wait for Enter),
// putting the terminal back as it was and returning ctx's cause.
func PromptContext(ctx context.Context, tty *os.File, w io.Writer, label string) (string, error) {
	return promptUntil(ctx, tty, w, func() (string, error) { return promptLine(tty, w, label) })
}

// promptUntil runs read, a prompt on the terminal tty, until ctx ends;
// then it puts the terminal back as it was, ends the prompt's line on w
// and returns ctx's cause. Where it can (hideEcho), it turns echo off
// itself before read shows the prompt, and back on when read answers or
// ctx ends, on this goroutine: a read turning echo off on its own
// goroutine could do so after a Ctrl-C had put it back, leaving the shell
// typing blind.
func promptUntil(ctx context.Context, tty *os.File, w io.Writer, read func() (string, error)) (string, error) {
	state, stateErr := term.GetState(int(tty.Fd()))
	restore, err := hideEcho(tty)
	if err != nil {
		return "", fmt.Errorf("reading from the terminal: %w", err)
	}
	defer restore()
	return readUntil(ctx, read, func() {
		if stateErr == nil {
			_ = term.Restore(int(tty.Fd()), state)
		}
		fmt.Fprintln(w)
	})
}

// WriteNew creates the file path, open to its owner only (0600), holding
// pw and a newline, and syncs it to disk. An existing file is never
// overwritten (the error wraps fs.ErrExist), and a file that could not be
// written whole is removed. Errors are *fs.PathError.
func WriteNew(path, pw string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.WriteString(pw + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return err
	}
	return nil
}

// ErrPasswordsDiffer is returned by PromptNew when the password typed
// again is not the one typed first.
var ErrPasswordsDiffer = errors.New("the two passwords differ")

// PromptNew asks for a new password on the terminal tty twice, hidden, as
// PromptContext does, showing label and then again on w, and returns it
// when both answers are the same, else ErrPasswordsDiffer: a typing
// mistake nobody saw would lock the backups away. An empty answer is
// ErrEmpty; an ended ctx returns its cause.
func PromptNew(ctx context.Context, tty *os.File, w io.Writer, label, again string) (string, error) {
	var typed [2]string
	for i, l := range []string{label, again} {
		var err error
		if typed[i], err = PromptContext(ctx, tty, w, l); err != nil {
			return "", err
		}
	}
	if typed[0] != typed[1] {
		return "", ErrPasswordsDiffer
	}
	return typed[0], nil
}
