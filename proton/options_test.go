package proton

import (
	"errors"
	"testing"
)

// TestOptionsGiven: a given URL takes the environment's place, a bad one
// is a *GivenURLError; a bad URL in the environment is said as its.
func TestOptionsGiven(t *testing.T) {
	tests := []struct {
		name, env, given string
		wantURL          string
		wantErr          string
		givenErr         bool
	}{
		{name: "environment", env: "http://127.0.0.1:1", wantURL: "http://127.0.0.1:1"},
		{name: "given", env: "http://127.0.0.1:1", given: "https://127.0.0.1:2", wantURL: "https://127.0.0.1:2"},
		{name: "neither", wantURL: ""},
		{name: "bad given", given: "ftp://x", givenErr: true, wantErr: `API URL "ftp://x": want an http:// or https:// URL`},
		{name: "bad environment", env: "ftp://x", given: "https://127.0.0.1:2", wantErr: "$" + URLEnv + `: API URL "ftp://x": want an http:// or https:// URL`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) string { return map[string]string{URLEnv: tt.env, AppVersionEnv: "v"}[k] }
			opts, err := OptionsGiven(getenv, tt.given)
			if tt.wantErr == "" {
				if err != nil || opts.APIURL != tt.wantURL || opts.AppVersion != "v" {
					t.Fatalf("OptionsGiven = %+v, %v; want API %q, version v", opts, err, tt.wantURL)
				}
				return
			}
			if err == nil || err.Error() != tt.wantErr || errors.As(err, new(*GivenURLError)) != tt.givenErr {
				t.Fatalf("OptionsGiven = %v (%T), want %q (given's: %v)", err, err, tt.wantErr, tt.givenErr)
			}
		})
	}
}
