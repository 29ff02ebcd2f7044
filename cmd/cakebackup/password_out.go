package main

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/cakebackup/cakebackup/secret"
	"github.com/urfave/cli/v2"
)

// passwordOutFlag is where create saves a generated password when there
// is no terminal to show it on.
func passwordOutFlag() cli.Flag {
	return &cli.StringFlag{Name: "password-out", Usage: "save the generated password in `FILE` (created 0600; never overwritten)"}
}

// stdoutIsTerminal reports whether what create prints reaches a person.
func (e *env) stdoutIsTerminal() bool {
	return isTerminal(e.stdout)
}

// keepGeneratedPassword makes sure a generated password reaches its owner
// before anything is encrypted with it: it saves it in --password-out, or
// relies on --json or the terminal to show it, and otherwise refuses, so
// no backup is made that nobody can open. It returns the file it saved
// the password in, or "".
func (e *env) keepGeneratedPassword(c *cli.Context, pw string, generated bool) (string, error) {
	out := c.String("password-out")
	switch {
	case !generated && out != "":
		return "", usageError(errors.New("--password-out saves a generated password: leave out --password-file, --password-stdin and $" + passwordEnv + " to get one"))
	case !generated:
		return "", nil
	case out != "":
		return out, writePasswordOut(out, pw)
	case c.Bool("json") || e.stdoutIsTerminal():
		return "", nil
	}
	return "", usageError(errors.New("no terminal to show the generated password on: add --password-out FILE to save it in a file, or --json to get it in the result"))
}

// writePasswordOut saves pw in a new file path (secret.WriteNew).
func writePasswordOut(path, pw string) error {
	err := secret.WriteNew(path, pw)
	var pathErr *fs.PathError
	switch {
	case errors.Is(err, fs.ErrExist):
		return usageError(fmt.Errorf("--password-out %s already exists; it is never overwritten: give a new file name", path))
	case errors.As(err, &pathErr) && pathErr.Op == "open":
		return usageError(fmt.Errorf("--password-out: %w", err))
	case err != nil:
		return fmt.Errorf("saving the generated password in %s: %w", path, err)
	}
	return nil
}

// printPasswordSaved says where the generated password is, without
// showing it: stdout may be a log.
func (e *env) printPasswordSaved(path string) {
	fmt.Fprintf(e.stdout, "The generated password is in %s (readable by you only). Without it the backup cannot be restored: keep it safe, apart from the backup.\n", path)
}

// noteCanonical tells, once, that the password was taken in its canonical
// form, so the user learns how to type it.
func (e *env) noteCanonical(canonical bool) {
	if canonical {
		fmt.Fprintln(e.stderr, "note: the password was accepted in its canonical form (lower case, dashes between the groups of five, no spaces); type it that way next time")
	}
}
