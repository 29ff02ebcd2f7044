package local

import (
	"errors"

	"golang.org/x/sys/windows"
)

func errnoKind(err error) errKind {
	var errno windows.Errno
	if !errors.As(err, &errno) {
		return kindOther
	}
	return winErrorKind(uintptr(errno))
}
