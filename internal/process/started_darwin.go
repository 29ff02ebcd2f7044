package process

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// Started returns when the process with this id started, as a token to
// compare with a later call's: its start time from the kernel
// (kern.proc.pid). "" when it cannot tell.
func Started(pid int) string {
	k, err := unix.SysctlKinfoProc("kern.proc.pid", pid)
	if err != nil || k.Proc.P_pid != int32(pid) {
		return ""
	}
	t := k.Proc.P_starttime
	return fmt.Sprintf("time:%d.%06d", t.Sec, t.Usec)
}
