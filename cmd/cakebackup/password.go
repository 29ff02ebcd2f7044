package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"
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
		f, err := os.Open(file)
		if err != nil {
			return "", "", usageError(fmt.Errorf("password file: %w", err))
		}
		defer f.Close()
		pw, err = firstLine(f)
		if err != nil {
			return "", "", usageError(fmt.Errorf("password file %s: %w", file, err))
		}
		return pw, "password file", nil
	case stdin:
		pw, err = firstLine(e.stdin)
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
	f, ok := e.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", usageError(fmt.Errorf("%s needs the backup password: use --password-file, --password-stdin or $%s", what, passwordEnv))
	}
	fmt.Fprint(e.stderr, "Backup password: ")
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(e.stderr)
	if err != nil {
		return "", fmt.Errorf("reading password: %w", err)
	}
	if len(b) == 0 {
		return "", usageError(errors.New("empty password"))
	}
	return string(b), nil
}

// firstLine reads up to the first newline and strips a trailing "\r".
// An empty first line is an error: an empty password protects nothing.
func firstLine(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("the password is empty")
	}
	return line, nil
}
