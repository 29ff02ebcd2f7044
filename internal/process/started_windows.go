package process

import (
	"fmt"

	"golang.org/x/sys/windows"
)

// Started returns when the process with this id started, as a token to
// compare with a later call's: its creation time (GetProcessTimes). ""
// when it cannot tell.
func Started(pid int) string {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return ""
	}
	defer windows.CloseHandle(h)
	var created, exited, kernel, user windows.Filetime
	if err := windows.GetProcessTimes(h, &created, &exited, &kernel, &user); err != nil {
		return ""
	}
	return fmt.Sprintf("filetime:%d", created.Nanoseconds())
}
