// Package winpath handles Windows paths on any operating system, so that
// the decisions cakebackup makes about Windows folders and command lines
// can be tested where path/filepath follows another system's rules.
package winpath

import "strings"

// IsAbs reports whether p is an absolute Windows path: a drive letter
// followed by a separator (C:\dir, C:/dir) or a UNC path (\\server\share).
// A drive-relative path (C:dir) or a rooted path without a drive (\dir) is
// not absolute, as filepath.IsAbs on Windows says.
func IsAbs(p string) bool {
	if len(p) >= 2 && isSep(p[0]) && isSep(p[1]) {
		return len(p) > 2 && !isSep(p[2])
	}
	return len(p) >= 3 && isLetter(p[0]) && p[1] == ':' && isSep(p[2])
}

// Join joins path elements with one backslash between each, keeping a
// separator that ends an element (C:\ + x is C:\x) and dropping those
// that start the next. Empty elements are skipped.
func Join(elem ...string) string {
	p := ""
	for _, e := range elem {
		if e == "" {
			continue
		}
		switch {
		case p == "":
			p = e
		case isSep(p[len(p)-1]):
			p += strings.TrimLeft(e, `\/`)
		default:
			p += `\` + strings.TrimLeft(e, `\/`)
		}
	}
	return p
}

func isSep(c byte) bool { return c == '\\' || c == '/' }

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
