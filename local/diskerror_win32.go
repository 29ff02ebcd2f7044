package local

// Windows system error codes (winerror.h) that mean something to people
// writing a backup; diskerror_windows_test.go checks them against
// golang.org/x/sys/windows where that package builds.
const (
	winAccessDenied       = 5    // ERROR_ACCESS_DENIED
	winWriteProtect       = 19   // ERROR_WRITE_PROTECT
	winNotReady           = 21   // ERROR_NOT_READY
	winCRC                = 23   // ERROR_CRC
	winGenFailure         = 31   // ERROR_GEN_FAILURE
	winHandleDiskFull     = 39   // ERROR_HANDLE_DISK_FULL
	winDevNotExist        = 55   // ERROR_DEV_NOT_EXIST
	winDiskFull           = 112  // ERROR_DISK_FULL
	winFileTooLarge       = 223  // ERROR_FILE_TOO_LARGE
	winNoMediaInDrive     = 1112 // ERROR_NO_MEDIA_IN_DRIVE
	winDeviceNotConnected = 1167 // ERROR_DEVICE_NOT_CONNECTED
	winDiskQuotaExceeded  = 1295 // ERROR_DISK_QUOTA_EXCEEDED
)

// winErrorKind groups a Windows system error code by what it means for
// the user.
func winErrorKind(code uintptr) errKind {
	switch code {
	case winDiskFull, winHandleDiskFull, winDiskQuotaExceeded:
		return kindFull
	case winWriteProtect:
		return kindReadOnly
	case winAccessDenied:
		return kindDenied
	case winCRC, winGenFailure:
		return kindIO
	case winNotReady, winDevNotExist, winNoMediaInDrive, winDeviceNotConnected:
		return kindGone
	case winFileTooLarge:
		return kindTooBig
	}
	return kindOther
}
