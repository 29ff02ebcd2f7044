package process

import (
	"os"
	"runtime"
	"testing"
)

func TestSame(t *testing.T) {
	me := Started(os.Getpid())
	switch runtime.GOOS {
	case "linux", "darwin", "windows":
		if me == "" {
			t.Fatal("Started says nothing of this process")
		}
	}
	if again := Started(os.Getpid()); again != me {
		t.Fatalf("Started changed from %q to %q", me, again)
	}
	tests := []struct {
		name    string
		pid     int
		started string
		want    bool
	}{
		{"this process, as it started", os.Getpid(), me, true},
		{"this process, start unknown", os.Getpid(), "", true},
		{"no process", 0, me, false},
	}
	if me != "" {
		// A process of this id that started at another time: the id
		// was given to a new process.
		tests = append(tests, struct {
			name    string
			pid     int
			started string
			want    bool
		}{"another process of this id", os.Getpid(), me + "0", false})
	}
	for _, tt := range tests {
		if got := Same(tt.pid, tt.started); got != tt.want {
			t.Errorf("%s: Same(%d, %q) = %v, want %v", tt.name, tt.pid, tt.started, got, tt.want)
		}
	}
}
