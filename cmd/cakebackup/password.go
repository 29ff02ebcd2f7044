package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/backup"
	"github.com/cakebackup/cakebackup/secret"
)

const (
	// passwordEnv is the environment variable a script can give the backup password in.
	passwordEnv = "CAKEBACKUP_PASSWORD"
	// passwordWays are the ways to give a chosen password, as hints name them.
	passwordWays = "--password-file, --password-stdin or $" + passwordEnv
)

// passwordFlags are the ways a chosen password reaches cakebackup; there is
// no --password flag, as argv is visible to every user of the machine.
func passwordFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "password-file", Usage: "read the backup password from the first line of `FILE`"},
		&cli.BoolFlag{Name: "password-stdin", Usage: "read the backup password from the first line of standard input"},
	}
}

// passwordSources are --password-file, --password-stdin and
// $CAKEBACKUP_PASSWORD. An empty --password-file (an unset "$PWFILE")
// never gets here: cliargs.Strict refuses it.
func (e *env) passwordSources(c *cli.Context) secret.Sources {
	src := secret.Sources{File: c.String("password-file"), Env: e.getenv(passwordEnv), EnvName: "$" + passwordEnv}
	if c.Bool("password-stdin") {
		src.Stdin = e.stdin
	}
	return src
}

// passwordErr makes secret's refusals of a password usage errors, naming
// the flags for one given several ways.
func passwordErr(err error) error {
	switch {
	case errors.Is(err, secret.ErrSeveralSources):
		return usageError(errors.New("give the password one way only: " + passwordWays))
	case errors.As(err, new(*secret.SourceError)), errors.Is(err, secret.ErrPasswordsDiffer):
		return usageError(err)
	case errors.Is(err, secret.ErrEmpty): // typed at a prompt
		return usageError(errors.New("empty password"))
	}
	return err
}

// optionalPassword is the password from passwordSources, "" when none was
// given (a source never gives "": secret.ErrEmpty).
func (e *env) optionalPassword(c *cli.Context) (string, error) {
	pw, _, err := e.passwordSources(c).Read(c.Context)
	if errors.Is(err, secret.ErrNoPassword) {
		return "", nil
	}
	return pw, passwordErr(err)
}

// passwordOrPrompt is the password from passwordSources, else one typed at a hidden
// prompt on a terminal; without one, the usage error says what needs it.
func (e *env) passwordOrPrompt(c *cli.Context, what string) (string, error) {
	pw, _, err := e.passwordSources(c).ReadOrPrompt(c.Context, e.stdin, e.stderr, "Backup password: ")
	if errors.Is(err, secret.ErrNoTerminal) {
		return "", usageError(fmt.Errorf("%s needs the backup password: use %s", what, passwordWays))
	}
	return pw, passwordErr(err)
}

// noteCanonical tells that the password was taken in its canonical form,
// so the user learns how to type it.
func (e *env) noteCanonical(canonical bool) {
	if canonical {
		fmt.Fprintln(e.stderr, "note: the password was accepted in its canonical form (lower case, dashes between the groups of five, no spaces); type it that way next time")
	}
}

// warnWeakPassword warns of a new password that looks weak
// (backup.PasswordStrengthWarning, after "warning: ").
func (e *env) warnWeakPassword(pw string) {
	if w := backup.PasswordStrengthWarning(pw); w != "" {
		e.notes.Warn("%s", strings.TrimPrefix(w, "Warning: "))
	}
}
