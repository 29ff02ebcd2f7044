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

// Join joins dir and name with one backslash, keeping a separator that
// ends dir (C:\ + x is C:\x) and dropping any that start name.
func Join(dir, name string) string {
	name = strings.TrimLeft(name, `\/`)
	if dir == "" {
		return name
	}
	if isSep(dir[len(dir)-1]) {
		return dir + name
	}
	return dir + `\` + name
}

func isSep(c byte) bool { return c == '\\' || c == '/' }

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
