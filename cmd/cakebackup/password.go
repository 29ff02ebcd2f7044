package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/cakebackup/cakebackup/secret"
)

// passwordEnv is the environment variable a script can set the backup
// password in.
const passwordEnv = "CAKEBACKUP_PASSWORD"

// passwordFlags are the ways a user-chosen password reaches cakebackup.
// There is deliberately no --password flag: argv is visible to every user
// of the machine.
func passwordFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "password-file", Usage: "read the backup password from the first line of `FILE`"},
		&cli.BoolFlag{Name: "password-stdin", Usage: "read the backup password from the first line of standard input"},
	}
}

// errNoPassword means none of the password sources was given.
var errNoPassword = errors.New("no password given")

// readPassword returns the password from --password-file, --password-stdin
// or $CAKEBACKUP_PASSWORD, in that order of precedence, and which source it
// came from. Giving more than one source is a usage error. It returns
// errNoPassword when none was given.
func (e *env) readPassword(c *cli.Context) (pw, source string, err error) {
	file, stdin, fromEnv := c.String("password-file"), c.Bool("password-stdin"), e.getenv(passwordEnv)
	given := 0
	for _, set := range []bool{file != "", stdin, fromEnv != ""} {
		if set {
			given++
		}
	}
	if given > 1 {
		return "", "", usageError(fmt.Errorf("give the password one way only: --password-file, --password-stdin or $%s", passwordEnv))
	}
	switch {
	case file != "":
		pw, err = secret.ReadFile(file)
		if err != nil {
			return "", "", usageError(fmt.Errorf("password file: %w", err))
		}
		return pw, "password file", nil
	case stdin:
		pw, err = secret.FirstLine(e.stdin)
		if err != nil {
			return "", "", usageError(fmt.Errorf("password from standard input: %w", err))
		}
		return pw, "standard input", nil
	case fromEnv != "":
		return fromEnv, "$" + passwordEnv, nil
	}
	return "", "", errNoPassword
}

// optionalPassword is readPassword for commands that do more with a
// password but need none: given reports whether one was.
func (e *env) optionalPassword(c *cli.Context) (pw string, given bool, err error) {
	pw, _, err = e.readPassword(c)
	if errors.Is(err, errNoPassword) {
		return "", false, nil
	}
	return pw, err == nil, err
}

// passwordOrPrompt is readPassword, falling back to a hidden prompt when
// standard input is a terminal. Without a terminal, a missing password is
// a usage error.
func (e *env) passwordOrPrompt(c *cli.Context, what string) (string, error) {
	pw, _, err := e.readPassword(c)
	if !errors.Is(err, errNoPassword) {
		return pw, err
	}
	f, _ := e.stdin.(*os.File)
	if !secret.IsTerminal(f) {
		return "", usageError(fmt.Errorf("%s needs the backup password: use --password-file, --password-stdin or $%s", what, passwordEnv))
	}
	pw, err = promptContext(c.Context, f, e.stderr, "Backup password: ")
	if errors.Is(err, secret.ErrEmpty) {
		return "", usageError(errors.New("empty password"))
	}
	return pw, err
}

// promptContext is secret.Prompt that gives up when ctx ends (Ctrl-C at
// the prompt: the terminal does not echo, so the read would wait for
// Enter), putting the terminal back as it was.
func promptContext(ctx context.Context, tty *os.File, w io.Writer, label string) (string, error) {
	state, stateErr := term.GetState(int(tty.Fd()))
	type answer struct {
		pw  string
		err error
	}
	answered := make(chan answer, 1)
	go func() {
		pw, err := secret.Prompt(tty, w, label)
		answered <- answer{pw, err}
	}()
	select {
	case a := <-answered:
		return a.pw, a.err
	case <-ctx.Done():
		if stateErr == nil {
			_ = term.Restore(int(tty.Fd()), state)
		}
		fmt.Fprintln(w)
		return "", context.Cause(ctx)
	}
}
