package backup

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// QuoteName returns a file or backup name (or a path) as it can be shown
// on one line of output: as it is when it is valid UTF-8 of printable
// characters and plain spaces, not starting or ending with a space and
// not starting with a double quote; otherwise Go-quoted (strconv.Quote),
// so a newline, another control character, an invisible or bidi control
// character or a byte that is no UTF-8 shows as an escape and one name
// stays one line. It is the one quoting of names in cakebackup's output.
func QuoteName(name string) string {
	if name == "" || !utf8.ValidString(name) ||
		strings.HasPrefix(name, " ") || strings.HasSuffix(name, " ") || strings.HasPrefix(name, `"`) ||
		strings.ContainsFunc(name, func(r rune) bool { return r != ' ' && !unicode.IsPrint(r) }) {
		return strconv.Quote(name)
	}
	return name
}
