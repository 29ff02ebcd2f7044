package process

// Same reports whether the process with this id that started as started
// (a token from Started, taken then) is still running: a process of that
// id runs, and it started then, not after the first one ended and a new
// one was given its id. Where the start cannot be told (started is "",
// or Started says "" now: another system, /proc hidden), the id alone
// decides, as Running does.
func Same(pid int, started string) bool {
	if pid <= 0 || !Running(pid) {
		return false
	}
	if started == "" {
		return true
	}
	now := Started(pid)
	return now == "" || now == started
}
