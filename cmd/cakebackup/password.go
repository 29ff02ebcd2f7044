package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/cakebackup/cakebackup/backup"
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

// passwordSources are --password-file, --password-stdin and
// $CAKEBACKUP_PASSWORD.
func (e *env) passwordSources(c *cli.Context) secret.Sources {
	// An empty --password-file (an unset "$PWFILE") never gets here:
	// cliargs.Strict refuses an empty FILE flag, where going on would
	// verify without the password, or make a backup with a generated one.
	src := secret.Sources{File: c.String("password-file"), Env: e.getenv(passwordEnv), EnvName: "$" + passwordEnv}
	if c.Bool("password-stdin") {
		src.Stdin = e.stdin
	}
	return src
}

// readPassword returns the password from --password-file, --password-stdin
// or $CAKEBACKUP_PASSWORD, and which source it came from. Giving more than
// one source is a usage error. It returns secret.ErrNoPassword when none was
// given.
func (e *env) readPassword(c *cli.Context) (pw, source string, err error) {
	pw, source, err = e.passwordSources(c).Read(c.Context)
	return pw, source, passwordErr(err)
}

// passwordErr makes secret's refusals of a password usage errors, naming
// the flags that give it one way only.
func passwordErr(err error) error {
	switch {
	case errors.Is(err, secret.ErrSeveralSources):
		return usageError(fmt.Errorf("give the password one way only: --password-file, --password-stdin or $%s", passwordEnv))
	case errors.As(err, new(*secret.SourceError)), errors.Is(err, secret.ErrPasswordsDiffer):
		return usageError(err)
	case errors.Is(err, secret.ErrEmpty): // typed at a prompt
		return usageError(errors.New("empty password"))
	}
	return err
}

// optionalPassword is readPassword for commands that do more with a
// password but need none: "" when none was given.
func (e *env) optionalPassword(c *cli.Context) (string, error) {
	pw, _, err := e.readPassword(c)
	if errors.Is(err, secret.ErrNoPassword) {
		return "", nil
	}
	return pw, err
}

// passwordOrPrompt is readPassword, falling back to a hidden prompt when
// standard input is a terminal. Without a terminal, a missing password is
// a usage error.
func (e *env) passwordOrPrompt(c *cli.Context, what string) (string, error) {
	pw, _, err := e.passwordSources(c).ReadOrPrompt(c.Context, e.stdin, e.stderr, "Backup password: ")
	if errors.Is(err, secret.ErrNoTerminal) {
		return "", usageError(fmt.Errorf("%s needs the backup password: use --password-file, --password-stdin or $%s", what, passwordEnv))
	}
	return pw, passwordErr(err)
}

// noteCanonical tells, once, that the password was taken in its canonical
// form, so the user learns how to type it.
func (e *env) noteCanonical(canonical bool) {
	if canonical {
		fmt.Fprintln(e.stderr, "note: the password was accepted in its canonical form (lower case, dashes between the groups of five, no spaces); type it that way next time")
	}
}

// warnWeakPassword warns of a new backup password that looks weak, in
// the words of backup.PasswordStrengthWarning after "warning: ".
func (e *env) warnWeakPassword(pw string) {
	if w := backup.PasswordStrengthWarning(pw); w != "" {
		e.warn("%s", strings.TrimPrefix(w, "Warning: "))
	}
}
