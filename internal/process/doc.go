// Package process tells whether a process of this machine is still
// running, for the owners of leftovers (temporary files and uploads named
// after the PID that wrote them) and of scheduled runs in progress (known
// by their id and their start, so that a new process given a dead one's
// id is not taken for it), and how much CPU time this process has used,
// for benchmarks.
package process
