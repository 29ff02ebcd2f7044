package local

import (
	"testing"

	"golang.org/x/sys/windows"
)

// The codes winErrorKind knows are the system's own.
func TestWinErrorCodes(t *testing.T) {
	for _, c := range []struct {
		ours uintptr
		sys  windows.Errno
	}{
		{winAccessDenied, windows.ERROR_ACCESS_DENIED},
		{winWriteProtect, windows.ERROR_WRITE_PROTECT},
		{winNotReady, windows.ERROR_NOT_READY},
		{winCRC, windows.ERROR_CRC},
		{winGenFailure, windows.ERROR_GEN_FAILURE},
		{winHandleDiskFull, windows.ERROR_HANDLE_DISK_FULL},
		{winDevNotExist, windows.ERROR_DEV_NOT_EXIST},
		{winDiskFull, windows.ERROR_DISK_FULL},
		{winFileTooLarge, windows.ERROR_FILE_TOO_LARGE},
		{winNoMediaInDrive, windows.ERROR_NO_MEDIA_IN_DRIVE},
		{winDeviceNotConnected, windows.ERROR_DEVICE_NOT_CONNECTED},
		{winDiskQuotaExceeded, windows.ERROR_DISK_QUOTA_EXCEEDED},
	} {
		if c.ours != uintptr(c.sys) {
			t.Errorf("%d is %v (%d)", c.ours, c.sys, uintptr(c.sys))
		}
	}
	if errnoKind(&windows.DLLError{}) != kindOther {
		t.Error("a non-Errno error has a kind")
	}
}
