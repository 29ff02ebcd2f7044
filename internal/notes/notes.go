// Package notes holds what a command-line run says on stderr besides its
// result and its error: notes, warnings and details. They are kept until
// the run has succeeded, so that a failing run prints its error line
// alone, and printed at the level the run was given (--quiet, --verbose).
package notes

import (
	"fmt"
	"io"
)

// level says when a line is printed.
type level int

const (
	normal  level = iota // unless quiet
	warning              // always
	detail               // only when verbose
)

// shown reports whether a line of level l is printed when quiet or verbose.
func (l level) shown(quiet, verbose bool) bool {
	switch l {
	case normal:
		return !quiet
	case detail:
		return verbose
	}
	return true
}

// line is one recorded line and when it is printed.
type line struct {
	level level
	text  string
}

// Notes are a run's lines for stderr, in the order they were recorded.
// The zero value holds none.
type Notes struct{ lines []line }

// Note records an informational line, left out when quiet.
func (n *Notes) Note(format string, a ...any) { n.add(normal, fmt.Sprintf(format, a...)) }

// Warn records a warning, "warning: " and the line, printed even when quiet.
func (n *Notes) Warn(format string, a ...any) { n.add(warning, "warning: "+fmt.Sprintf(format, a...)) }

// Detail records a line printed only when verbose.
func (n *Notes) Detail(format string, a ...any) { n.add(detail, fmt.Sprintf(format, a...)) }

func (n *Notes) add(l level, text string) { n.lines = append(n.lines, line{l, text}) }

// Print writes on w, one a line, the notes the level quiet or verbose
// shows, and forgets them all. A write that fails has nowhere left to be
// said (w is stderr), so Print goes on with the next line.
func (n *Notes) Print(w io.Writer, quiet, verbose bool) {
	for _, l := range n.lines {
		if l.level.shown(quiet, verbose) {
			fmt.Fprintln(w, l.text)
		}
	}
	n.lines = nil
}
