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
	switch errno {
	case windows.ERROR_DISK_FULL, windows.ERROR_HANDLE_DISK_FULL:
		return kindFull
	case windows.ERROR_WRITE_PROTECT:
		return kindReadOnly
	case windows.ERROR_ACCESS_DENIED:
		return kindDenied
	case windows.ERROR_CRC, windows.ERROR_GEN_FAILURE:
		return kindIO
	case windows.ERROR_NOT_READY, windows.ERROR_DEV_NOT_EXIST:
		return kindGone
	case windows.ERROR_FILE_TOO_LARGE:
		return kindTooBig
	}
	return kindOther
}
