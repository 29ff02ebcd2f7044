package schedule

import (
	"bytes"
	"runtime"
	"testing"
	"time"
)

// TestSendTestAlerts: a test goes through every channel of a job, its
// own and the config's top-level ones, the output says how each went,
// and the error counts the failures.
func TestSendTestAlerts(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the hooks are sh commands")
	}
	tests := []struct {
		name          string
		global, alert Alerts
		want, err     string
	}{
		{name: "none", err: "job j has no notifications: set ping_url, webhook, notify_desktop or on_* hooks in /c/config.toml, or at its top for every job"},
		{name: "all sent", alert: Alerts{OnSuccess: "echo hi; echo there"},
			want: "hook echo hi; echo there ...\n  | hi\n  | there\n  sent\n"},
		{name: "one failed", global: Alerts{OnFailure: "echo $CAKEBACKUP_EVENT; exit 3"}, alert: Alerts{OnOverdue: "true"},
			want: "hook echo $CAKEBACKUP_EVENT; exit 3 ...\n  | test\n  failed: exit status 3\nhook true ...\n  sent\n",
			err:  "1 of 2 notification channels of job j failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := Job{Name: "j", Every: "1h", Alerts: tt.alert}
			c := &Config{File: "/c/config.toml", Alerts: tt.global, Jobs: []Job{j}}
			var out bytes.Buffer
			err := c.SendTestAlerts(t.Context(), j, nil, &out, time.Now())
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.err || out.String() != tt.want {
				t.Errorf("SendTestAlerts: %q, wrote\n%s\nwant %q, and\n%s", got, out.String(), tt.err, tt.want)
			}
		})
	}
}
