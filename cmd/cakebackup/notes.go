package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"
)

// globalFlags apply to every command and may be written before or after
// the command's name.
func globalFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print only results and errors: no progress, notes or advice"},
		&cli.BoolFlag{Name: "verbose", Usage: "also print details of what is done (on stderr)"},
		&cli.BoolFlag{Name: "version", Usage: "print the version and exit"},
		protonAppVersionFlag(),
	}
}

// errVersionShown ends a run that printed the version: a success.
var errVersionShown = errors.New("version shown")

// readGlobalFlags takes in the global flags before any command runs.
func (e *env) readGlobalFlags(c *cli.Context) error {
	e.quiet, e.verbose = c.Bool("quiet"), c.Bool("verbose")
	if e.quiet && e.verbose {
		return usageError(errors.New("use --quiet or --verbose, not both"))
	}
	if c.Bool("version") {
		fmt.Fprintln(e.stdout, versionLine())
		return errVersionShown
	}
	return e.before(c)
}

// note records an informational line for stderr, left out with --quiet.
func (e *env) note(format string, a ...any) {
	if !e.quiet {
		e.notes = append(e.notes, fmt.Sprintf(format, a...))
	}
}

// warn records a warning for stderr; it is shown even with --quiet.
func (e *env) warn(format string, a ...any) {
	e.notes = append(e.notes, "warning: "+fmt.Sprintf(format, a...))
}

// detail records a line for stderr shown only with --verbose.
func (e *env) detail(format string, a ...any) {
	if e.verbose {
		e.notes = append(e.notes, fmt.Sprintf(format, a...))
	}
}

// flushNotes prints the run's notes. run calls it only after success, so
// a failing run prints its error line alone.
func (e *env) flushNotes() {
	for _, n := range e.notes {
		fmt.Fprintln(e.stderr, n)
	}
	e.notes = nil
}

// adviseOwnPassword says, once per run and only to a person at a terminal,
// that a generated password is safer than the one given.
func (e *env) adviseOwnPassword(source string) {
	if e.advisedOwnPassword || e.quiet || !isTerminal(e.stderr) {
		return
	}
	e.advisedOwnPassword = true
	e.note("note: using the password from %s; a generated password is recommended (omit the password options to get one)", source)
}

// isTerminal reports whether w is a terminal: an *os.File, or a writer
// wrapping one that passes its Fd on (as run's stdout does).
func isTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}
