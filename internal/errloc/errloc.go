// Package errloc keeps error lines from naming one location twice.
//
// A location is a file's path or a destination's spec. Errors are wrapped
// on their way up, and each layer tends to name the place it worked on:
// "restore /x/y.bak: open /x/y.bak: no such file or directory". The one
// rule here, [Names], decides whether an error's text already names a
// location; [Wrap] adds a layer's words only when it does not, and drops
// the path an [*fs.PathError] repeats; [After] adds words after a cause's
// once. [OneLine] folds an error's text onto the one line a message, log
// value or state field gives it.
package errloc

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Names reports whether msg names the location of which spellings are
// the ways of writing (a destination's spec and the path it stands for,
// say). A spelling names it when it stands in msg as a word of its own:
// at the start or after a space, quote or opening bracket, and at the end
// or before a space, quote, closing bracket, colon, comma, semicolon or a
// full stop that ends a sentence. So "/tmp/x" is named by "open /tmp/x: ..."
// and "folder /tmp/x does not exist", but not by "/tmp/x.part" or
// "/var/tmp/x". A trailing slash is not part of a spelling: "/tmp/x/"
// and "/tmp/x" name one folder. Empty spellings name nothing.
func Names(msg string, spellings ...string) bool {
	for _, s := range spellings {
		if namedAt(msg, trimSlash(s)) {
			return true
		}
	}
	return false
}

// trimSlash drops the trailing slashes of a path or spec that has more
// than them ("/" stays "/", "proton:/" stays "proton:/").
func trimSlash(s string) string {
	t := strings.TrimRight(s, "/")
	if t == "" || strings.HasSuffix(t, ":") {
		return s
	}
	return t
}

// namedAt reports whether loc stands as a word of its own in msg.
func namedAt(msg, loc string) bool {
	if loc == "" {
		return false
	}
	for from := 0; ; {
		i := strings.Index(msg[from:], loc)
		if i < 0 {
			return false
		}
		start, end := from+i, from+i+len(loc)
		if startsWord(msg, start) && endsWord(msg, end) {
			return true
		}
		from = start + 1
	}
}

func startsWord(msg string, i int) bool {
	return i == 0 || strings.ContainsRune(" \t\"'`(<[{", rune(msg[i-1]))
}

func endsWord(msg string, i int) bool {
	if i == len(msg) {
		return true
	}
	switch c := msg[i]; c {
	case ' ', '\t', '\n', '"', '\'', '`', ')', '>', ']', '}', ':', ',', ';':
		return true
	case '.', '/':
		// A full stop ending a sentence, a trailing slash: not more of
		// the path (".part", "/sub").
		return endsWord(msg, i+1) && (i+1 == len(msg) || msg[i+1] != '.' && msg[i+1] != '/')
	}
	return false
}

// Error is what [Wrap] returns: its own text, and the error it wraps
// unchanged, so errors.Is and errors.As see every layer (an
// [*fs.PathError] among them) whatever the text says.
type Error struct {
	msg string
	err error
}

// Error returns the one line.
func (e *Error) Error() string { return e.msg }

// Unwrap returns the wrapped error.
func (e *Error) Unwrap() error { return e.err }

// Wrap returns err with prefix before it ("prefix: err"), where prefix
// says what was being done and names the location spelled by spellings
// ("restoring /x/y.bak"). When err's text names the location already
// (see [Names]) the prefix would say it twice: then err's text stands
// alone, except that an [*fs.PathError] of the location at the top of
// err, which says no more than the system's call ("open /x/y.bak: ..."),
// gives way to prefix and the system's reason ("restoring /x/y.bak: no
// such file or directory"). Wrap(prefix, nil) is nil. With no spellings,
// Wrap only prefixes.
func Wrap(err error, prefix string, spellings ...string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	var pe *fs.PathError
	switch {
	case errors.As(err, &pe) && msg == pe.Error() && isOneOf(pe.Path, spellings):
		msg = prefix + ": " + pe.Err.Error()
	case Names(msg, spellings...):
	case prefix == "":
	default:
		msg = prefix + ": " + msg
	}
	return &Error{msg: msg, err: err}
}

// isOneOf reports whether path is one of spellings, trailing slashes aside.
func isOneOf(path string, spellings []string) bool {
	for _, s := range spellings {
		if s != "" && trimSlash(s) == trimSlash(path) {
			return true
		}
	}
	return false
}

// Explain returns an error whose text is msg and which wraps err: for a
// message that says in people's words what err says in the system's
// ("/x/y.bak: no permission to read it" for "open /x/y.bak: permission
// denied"), keeping err for errors.Is and errors.As.
func Explain(err error, msg string) error {
	if err == nil {
		return nil
	}
	return &Error{msg: msg, err: err}
}

// After returns err with words written right after the text of cause,
// an error in err's chain, or at the end when err's text does not hold
// it: a fix said where its problem is ("...: not logged in to Proton: run
// `cakebackup proton login` (code 401)"). When words follow cause's text
// already (added where the error was made), err is returned unchanged.
func After(err, cause error, words string) error {
	at, msg := cause.Error(), err.Error()
	if strings.Contains(msg, at+words) {
		return err
	}
	if i := strings.Index(msg, at); i >= 0 {
		return Explain(err, msg[:i+len(at)]+words+msg[i+len(at):])
	}
	return Explain(err, msg+words)
}

// Reason is err's text for a line that names the location already, such
// as "unreadable /x/b (REASON)": an [*fs.PathError] of the location gives
// the system's reason alone, and a text whose first clause ends with the
// location ("opening /x/b: why", "/x/b: why") drops that clause. Any
// other text stays whole, even when it names the location later on.
func Reason(err error, spellings ...string) string {
	if err == nil {
		return ""
	}
	msg := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) && msg == pe.Error() && isOneOf(pe.Path, spellings) {
		return pe.Err.Error()
	}
	first, rest, ok := strings.Cut(msg, ": ")
	if !ok || rest == "" {
		return msg
	}
	for _, s := range spellings {
		if loc := trimSlash(s); loc != "" && (first == loc || strings.HasSuffix(first, " "+loc)) {
			return rest
		}
	}
	return msg
}

// OneLine folds s onto one line: every run of white space (spaces, tabs,
// \r, newlines) becomes one space, and leading and trailing white space
// goes. What else a terminal would not print as text is written as Go
// writes it in a quoted string: a control character (an escape sequence
// in a file's name, which would recolour or rewrite the terminal) as
// \x1b, a byte that is not UTF-8 as \xff.
func OneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.ValidString(s) && !strings.ContainsFunc(s, unprintable) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unprintable(r):
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// unprintable reports whether r is no text a terminal prints: a control
// or format character, or one of no category.
func unprintable(r rune) bool { return r != ' ' && !unicode.IsPrint(r) }
