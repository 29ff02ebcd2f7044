package process

import (
	"fmt"
	"os"
	"strings"
)

// Started returns when the process with this id started, as a token to
// compare with a later call's: the start time in clock ticks since boot
// from /proc/PID/stat. "" when it cannot tell (no such process, /proc
// not readable).
func Started(pid int) string {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	return startTimeFromStat(string(data))
}

// startTimeFromStat is field 22 (starttime) of a /proc/PID/stat line.
// The command name (field 2) is in parentheses and may hold spaces and
// parentheses itself: the fields are counted after the last ')'.
func startTimeFromStat(stat string) string {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 {
		return ""
	}
	fields := strings.Fields(stat[i+1:]) // from field 3, the state
	const starttime = 22 - 3
	if len(fields) <= starttime {
		return ""
	}
	return "ticks:" + fields[starttime]
}
