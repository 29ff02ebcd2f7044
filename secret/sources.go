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
	// Generate, when not nil, makes a new password when no source is
	// given: Read then names it Generated.
	Generate func() (string, error)
}

// Generated is where Sources.Read says a password came from when
// Generate made it.
const Generated = "generated"

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
// "standard input", EnvName or Generated). It returns ErrSeveralSources
// when more than one source is given, ErrNoPassword when none is and
// there is no Generate, and a
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
	case s.Generate != nil:
		pw, err = s.Generate()
		if err != nil {
			return "", "", fmt.Errorf("generating a password: %w", err)
		}
		return pw, Generated, nil
	}
	return "", "", ErrNoPassword
}

// ErrNoTerminal is returned when a password was to be typed but standard
// input is not a terminal to type it on.
var ErrNoTerminal = errors.New("no terminal to type the password on")

// ReadOrPrompt is Read, falling back, when no source is given, to a
// password typed hidden on in after label on w (PromptContext), named as
// from "the terminal". Without a source, when in is not a terminal, it
// returns ErrNoTerminal; an empty answer is ErrEmpty.
func (s Sources) ReadOrPrompt(ctx context.Context, in io.Reader, w io.Writer, label string) (pw, from string, err error) {
	return s.readOr(ctx, in, func(tty *os.File) (string, error) { return PromptContext(ctx, tty, w, label) })
}

// ReadNew is Read for a new password, falling back, when no source is
// given, to one typed twice hidden on in (PromptNew, label then again on
// w), named as from "the terminal": a typing mistake nobody saw would
// lock the backups away. Without a source, when in is not a terminal, it
// returns ErrNoTerminal; answers that differ are ErrPasswordsDiffer, an
// empty one ErrEmpty.
func (s Sources) ReadNew(ctx context.Context, in io.Reader, w io.Writer, label, again string) (pw, from string, err error) {
	return s.readOr(ctx, in, func(tty *os.File) (string, error) { return PromptNew(ctx, tty, w, label, again) })
}

// readOr is Read, falling back to prompt on in when no source is given
// and in is a terminal.
func (s Sources) readOr(ctx context.Context, in io.Reader, prompt func(tty *os.File) (string, error)) (pw, from string, err error) {
	pw, from, err = s.Read(ctx)
	if !errors.Is(err, ErrNoPassword) {
		return pw, from, err
	}
	tty, _ := in.(*os.File)
	if !IsTerminal(tty) {
		return "", "", ErrNoTerminal
	}
	if pw, err = prompt(tty); err != nil {
		return "", "", err
	}
	return pw, "the terminal", nil
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

// ErrNotGenerated is returned by KeepGenerated for a file to save a
// password of the person's own in: only a generated one, which nobody
// knows yet, is saved.
var ErrNotGenerated = errors.New("only a generated password is saved in a file")

// ErrNotShown is returned by KeepGenerated for a generated password with
// no file to go to and nobody to be shown to.
var ErrNotShown = errors.New("no terminal to show the generated password on")

// KeepGenerated makes sure a generated password pw reaches its owner
// before anything is encrypted with it, so that nothing is made that
// nobody can open: it saves pw in the new file path (WriteNew) when path
// is not "", or relies on shown (a terminal, or a result that carries
// it), and otherwise returns ErrNotShown. A path for a password that was
// not generated is ErrNotGenerated. An error saving it wraps WriteNew's.
func KeepGenerated(pw string, generated bool, path string, shown bool) error {
	switch {
	case !generated && path != "":
		return ErrNotGenerated
	case !generated, path == "" && shown:
		return nil
	case path == "":
		return ErrNotShown
	}
	if err := WriteNew(path, pw); err != nil {
		return fmt.Errorf("saving the generated password in %s: %w", path, err)
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
