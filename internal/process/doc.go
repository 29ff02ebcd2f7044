// Package process tells whether a process of this machine is still
// running, for the owners of leftovers (temporary files and uploads named
// after the PID that wrote them), and how much CPU time this process has
// used, for benchmarks.
package process
