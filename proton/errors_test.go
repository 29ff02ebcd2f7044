package proton

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	bridge "github.com/rclone/Proton-API-Bridge"
	bridgecommon "github.com/rclone/Proton-API-Bridge/common"
	protonapi "github.com/rclone/go-proton-api"

	"github.com/cakebackup/cakebackup/destinations"
)

// TestAPIErrorsOverHTTP serves Proton's error answers on loopback and
// logs in against them with the real bridge and go-proton-api, so the
// translation is tested on the errors those libraries really build.
func TestAPIErrorsOverHTTP(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		code   int
		msg    string
		want   error
	}{
		{"wrong password", 422, 8002, "Incorrect login credentials. Please try again", ErrWrongPassword},
		{"human verification", 422, 9001, "Human verification required", ErrHumanVerification},
		{"quota", 422, 200001, "Storage quota exceeded", destinations.ErrNoSpace},
		{"name taken", 422, 2500, "A file or folder with that name already exists", ErrNameTaken},
		{"not found", 422, 2501, "File or folder not found", destinations.ErrNotFound},
		{"server error", 500, 500, "Internal server error", ErrServer},
		// Proton's code for a username it takes for no valid one
		// (go-proton-api PR 22).
		{"username invalid", 422, 6003, "Invalid username", ErrWrongPassword},
		// Wrong credentials are told by their code, not by which step
		// refused: a 401 is what it says even in a login.
		{"unauthorized", 401, 401, "Invalid access token", ErrSessionExpired},
		{"refresh token invalid", 422, 10013, "Invalid refresh token", ErrSessionExpired},
		// rclone issue 9764.
		{"app version refused", 422, 2028, "This version of the app is no longer supported, please update to continue using the app", ErrAppVersionRefused},
		// rclone issue 7864.
		{"app version outdated", 400, 2000, "You are using an outdated version of the app. Please update to upload this file", ErrAppVersionRefused},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				_ = json.NewEncoder(w).Encode(map[string]any{"Code": tc.code, "Error": tc.msg})
			}))
			defer srv.Close()
			_, err := Login(context.Background(), Options{APIURL: srv.URL}, Credentials{Username: "ana", Password: "pw-SECRET"})
			if !errors.Is(err, tc.want) {
				t.Fatalf("Login = %v, want %v", err, tc.want)
			}
			if msg := err.Error(); strings.Contains(msg, "\n") || strings.Contains(msg, "pw-SECRET") {
				t.Fatalf("error %q is not one line or shows the password", msg)
			}
		})
	}
}

// TestAbuseBlockIsNotAVersionProblem: Proton's abuse protection answers
// with code 2028 too (reported on rclone's tracker after clients tried
// app version strings in a loop); telling the user to update would
// mislead, so Proton's own words are kept.
func TestAbuseBlockIsNotAVersionProblem(t *testing.T) {
	err := translate(&protonapi.APIError{Status: 422, Code: 2028, Message: "Our systems detected unusual activity targeting your account."}, "logging in")
	if errors.Is(err, ErrAppVersionRefused) || !strings.Contains(err.Error(), "unusual activity") {
		t.Fatalf("got %v", err)
	}
}

func TestUnreachableAPIIsNetworkError(t *testing.T) {
	// A loopback port nobody listens on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, err = Login(context.Background(), Options{APIURL: "http://" + addr}, Credentials{Username: "ana", Password: "pw"})
	if !errors.Is(err, ErrNetwork) {
		t.Fatalf("Login to a closed port = %v, want ErrNetwork", err)
	}
}

func TestTranslateLibraryErrors(t *testing.T) {
	apiErr := func(status, code int, route string) error {
		e := &protonapi.APIError{Status: status, Code: protonapi.Code(code), Message: "m"}
		return fmt.Errorf("%d POST %s: %w", status, route, e)
	}
	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"2FA needed", bridgecommon.Err2FACodeRequired, ErrTwoFactorRequired},
		{"mailbox password needed", bridgecommon.ErrMailboxPasswordRequired, ErrMailboxPasswordRequired},
		{"wrong 2FA code", apiErr(422, 8002, "https://drive-api.proton.me/auth/v4/2fa"), ErrWrongTwoFactor},
		{"wrong password", apiErr(422, 8002, "https://drive-api.proton.me/auth/v4"), ErrWrongPassword},
		{"draft exists", bridge.ErrDraftExists, ErrDraftExists},
		{"file name exists", protonapi.ErrFileNameExist, ErrNameTaken},
		{"block storage 503", &blockStatusError{Method: "GET", Status: 503}, ErrServer},
		{"block storage 429", &blockStatusError{Method: "POST", Status: 429}, ErrRateLimited},
		{"block hash mismatch", bridge.ErrDownloadedBlockHashVerificationFailed, ErrDamagedDownload},
		{"unauthorized", apiErr(401, 401, "https://drive-api.proton.me/core/v4/users"), ErrSessionExpired},
		{"refresh token invalid", apiErr(422, 10013, "https://drive-api.proton.me/auth/v4/refresh"), ErrSessionExpired},
		{"refresh refused", errors.New("failed to refresh auth: failed to refresh auth, de-auth: 422"), ErrSessionExpired},
		{"quota by message", apiErr(422, 2011, "x"), nil},
	} {
		got := translate(tc.err, "doing it")
		if tc.want == nil {
			if isOurs(got) {
				t.Errorf("%s: translate = %v, want it left unclassified", tc.name, got)
			}
			continue
		}
		if !errors.Is(got, tc.want) {
			t.Errorf("%s: translate = %v, want %v", tc.name, got, tc.want)
		}
	}
	if translate(nil, "x") != nil {
		t.Error("translate(nil) is not nil")
	}
}
