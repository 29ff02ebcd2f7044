package process

import (
	"os"
	"os/exec"
	"runtime"
	"testing"
)

func TestRunning(t *testing.T) {
	if !Running(os.Getpid()) {
		t.Fatal("this process is not running")
	}
	if runtime.GOOS != "linux" {
		t.Skip("ended processes are checked on Linux")
	}
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skip(err)
	}
	if Running(cmd.Process.Pid) {
		t.Fatalf("process %d ended and was reaped, but Running says yes", cmd.Process.Pid)
	}
}
