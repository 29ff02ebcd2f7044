package schedule

import (
	"errors"
	"fmt"
	"testing"
)

// TestWithJobName: a message names its job once, whether the error naming
// it is the one given or wrapped further in; another job's name is no
// reason to leave it out.
func TestWithJobName(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	locked := func() error {
		dir := t.TempDir()
		l, err := LockJob(dir, "a")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Release() })
		_, err = LockJob(dir, "a")
		return err
	}()
	for _, tt := range []struct {
		name string
		err  error
		want string
	}{
		{"plain", boom, "job a: boom"},
		{"already named", &JobError{Job: "a", Err: boom}, "job a: boom"},
		{"named further in", fmt.Errorf("run: %w", &JobError{Job: "a", Err: boom}), "run: job a: boom"},
		{"no keyring entry, wrapped", fmt.Errorf("run: %w", &NotInKeyringError{Job: "a"}), "run: job a: no password in the OS keyring"},
		{"another job's error", &JobError{Job: "b", Err: boom}, "job a: job b: boom"},
		{"the job's lock is held", locked, locked.Error()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := WithJobName("a", tt.err)
			if got.Error() != tt.want || !errors.Is(got, tt.err) {
				t.Errorf("WithJobName(a, %q) = %q, want %q wrapping the error", tt.err, got, tt.want)
			}
			if named := jobNamer(nil); !errors.As(got, &named) || named.JobName() != "a" {
				t.Errorf("%q is typed as no error of job a", got)
			}
		})
	}
}
