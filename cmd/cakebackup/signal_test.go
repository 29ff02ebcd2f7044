package main

import (
	"bytes"
	"os"
	"os/exec"
	"testing"
	"time"
)

// signalWhen waits, a minute at most, until ready says the started cmd
// has reached the moment to stop it, sends it sig and waits, a minute at
// most, for it to end; cmd.ProcessState is then set. The test fails,
// showing stderr, when cmd ends before the signal, the moment never
// comes or cmd does not stop.
func signalWhen(t *testing.T, cmd *exec.Cmd, stderr *bytes.Buffer, sig os.Signal, ready func() bool) {
	t.Helper()
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	for deadline := time.Now().Add(time.Minute); !ready(); {
		select {
		case <-done:
			t.Fatalf("%s ended before it was stopped: exit %d, stderr %s", cmd.Args[1], cmd.ProcessState.ExitCode(), stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatalf("never saw the moment to stop %s; stderr: %s", cmd.Args[1], stderr.String())
		}
		time.Sleep(time.Millisecond)
	}
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case <-done:
	case <-time.After(time.Minute):
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("%s did not stop after %v", cmd.Args[1], sig)
	}
}
