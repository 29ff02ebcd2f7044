//go:build unix

package local

import (
	"errors"

	"golang.org/x/sys/unix"
)

func errnoKind(err error) errKind {
	var errno unix.Errno
	if !errors.As(err, &errno) {
		return kindOther
	}
	switch errno {
	case unix.ENOSPC, unix.EDQUOT:
		return kindFull
	case unix.EROFS:
		return kindReadOnly
	case unix.EACCES, unix.EPERM:
		return kindDenied
	case unix.EIO:
		return kindIO
	case unix.ENODEV, unix.ENXIO, unix.ESTALE, unix.ENOTCONN:
		return kindGone
	case unix.EFBIG:
		return kindTooBig
	case unix.ENOTDIR:
		return kindNotDir
	}
	return kindOther
}
