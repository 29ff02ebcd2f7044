package local

import "testing"

// TestWinErrorKind runs the Windows error classification here.
func TestWinErrorKind(t *testing.T) {
	tests := map[uintptr]errKind{
		112:  kindFull,     // ERROR_DISK_FULL
		39:   kindFull,     // ERROR_HANDLE_DISK_FULL
		1295: kindFull,     // ERROR_DISK_QUOTA_EXCEEDED
		19:   kindReadOnly, // ERROR_WRITE_PROTECT: the stick's lock switch
		5:    kindDenied,   // ERROR_ACCESS_DENIED
		23:   kindIO,       // ERROR_CRC
		31:   kindIO,       // ERROR_GEN_FAILURE
		21:   kindGone,     // ERROR_NOT_READY
		55:   kindGone,     // ERROR_DEV_NOT_EXIST
		1112: kindGone,     // ERROR_NO_MEDIA_IN_DRIVE
		1167: kindGone,     // ERROR_DEVICE_NOT_CONNECTED
		223:  kindTooBig,   // ERROR_FILE_TOO_LARGE
		2:    kindOther,    // ERROR_FILE_NOT_FOUND
		0:    kindOther,
	}
	for code, want := range tests {
		if got := winErrorKind(code); got != want {
			t.Errorf("winErrorKind(%d) = %v, want %v", code, got, want)
		}
	}
}
