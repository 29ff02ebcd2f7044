package interrupt

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		cause    error // nil: the context is not ended
		end      bool
		want     int
		wantSign bool
	}{
		{name: "running"},
		{name: "ended by SIGINT", end: true, cause: &Error{Code: 130}, want: 130, wantSign: true},
		{name: "ended by SIGTERM", end: true, cause: &Error{Code: 143}, want: 143, wantSign: true},
		{name: "a wrapped signal", end: true, cause: fmt.Errorf("stopping: %w", &Error{Code: 143}), want: 143, wantSign: true},
		{name: "cancelled", end: true},
		{name: "ended by another cause", end: true, cause: errors.New("deadline")},
	}
	for _, tt := range tests {
		ctx, cancel := context.WithCancelCause(context.Background())
		if tt.end {
			cancel(tt.cause)
		}
		code, ok := Code(ctx)
		if code != tt.want || ok != tt.wantSign {
			t.Errorf("%s: Code = %d, %v; want %d, %v", tt.name, code, ok, tt.want, tt.wantSign)
		}
		cancel(nil)
	}
}

// TestStop: the stop function ends the context, with no signal's code.
func TestStop(t *testing.T) {
	ctx, stop := OnSignal(context.Background())
	if ctx.Err() != nil {
		t.Fatalf("the context ended before a signal: %v", ctx.Err())
	}
	stop()
	<-ctx.Done()
	if code, ok := Code(ctx); ok {
		t.Errorf("stopped, Code = %d, true; want no signal", code)
	}
}
