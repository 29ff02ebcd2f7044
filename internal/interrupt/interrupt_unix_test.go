//go:build unix

package interrupt

import (
	"context"
	"syscall"
	"testing"
)

// TestSignals: SIGINT and SIGTERM sent to the process end the context
// with their exit codes, and the process goes on.
func TestSignals(t *testing.T) {
	for _, tt := range []struct {
		sig  syscall.Signal
		want int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}} {
		ctx, stop := OnSignal(context.Background())
		if err := syscall.Kill(syscall.Getpid(), tt.sig); err != nil {
			t.Fatal(err)
		}
		<-ctx.Done()
		if code, ok := Code(ctx); code != tt.want || !ok {
			t.Errorf("%v: Code = %d, %v; want %d, true", tt.sig, code, ok, tt.want)
		}
		stop()
	}
}
