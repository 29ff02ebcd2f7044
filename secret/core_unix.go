//go:build unix

package secret

import "golang.org/x/sys/unix"

// NoCoreDumps stops this process from writing a core dump, which would
// hold every password in its memory. It returns the error of setrlimit.
func NoCoreDumps() error {
	return unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{Cur: 0, Max: 0})
}
