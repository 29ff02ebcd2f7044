package proton

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"

	bridge "github.com/rclone/Proton-API-Bridge"
	bridgecommon "github.com/rclone/Proton-API-Bridge/common"
	protonapi "github.com/rclone/go-proton-api"

	"github.com/cakebackup/cakebackup/destinations"
)

// Errors a Proton user can act on. Every error from this package that
// comes from Proton wraps one of these (or destinations.ErrNoSpace,
// destinations.ErrNotFound), so the message is one clear line. The
// command or flag that fixes one is the caller's to add.
var (
	// ErrSessionExpired: the cached session was revoked or expired.
	ErrSessionExpired = errors.New("the Proton session has expired or was revoked")
	// ErrWrongPassword: Proton rejected the username or password.
	ErrWrongPassword = errors.New("the Proton username or password is wrong")
	// ErrTwoFactorRequired: the account has 2FA and no code was given.
	ErrTwoFactorRequired = errors.New("this Proton account needs a two-factor code")
	// ErrWrongTwoFactor: Proton rejected the two-factor code.
	ErrWrongTwoFactor = errors.New("the two-factor code was refused by Proton")
	// ErrMailboxPasswordRequired: the account uses a second (mailbox)
	// password and none was given.
	ErrMailboxPasswordRequired = errors.New("this Proton account needs its mailbox password too")
	// ErrKeysLocked: the account's keys did not unlock: a wrong mailbox
	// password on a two-password account, or a cached session whose key
	// passphrase no longer works (the password was changed: a new login
	// fixes that).
	ErrKeysLocked = errors.New("your Proton keys did not unlock: check the mailbox password (two-password accounts)")
	// ErrAppVersionRefused: Proton refused the x-pm-appversion this build
	// sends (Code 2028 "This version of the app is no longer supported",
	// or 2000 "You are using an outdated version of the app").
	ErrAppVersionRefused = errors.New("this version of cakebackup is no longer accepted by Proton: update it")
	// ErrHumanVerification: Proton wants a CAPTCHA solved before it lets
	// this client log in; after that, a new login goes through.
	ErrHumanVerification = errors.New("human verification (CAPTCHA) required by Proton: log in once at https://drive.proton.me in a web browser")
	// ErrRateLimited: Proton kept refusing requests as too many even
	// after waiting as it asked.
	ErrRateLimited = errors.New("too many requests: Proton Drive is limiting the rate (HTTP 429); try again in a few minutes")
	// ErrServer: Proton's servers failed (HTTP 5xx) on every retry.
	ErrServer = errors.New("server error at Proton Drive: try again later")
	// ErrNetwork: the API could not be reached, or the connection broke.
	ErrNetwork = errors.New("cannot reach Proton Drive (network error): check the connection and try again")
	// ErrNameTaken: a file or folder of that name already exists.
	ErrNameTaken = errors.New("a file or folder of that name already exists on Proton Drive")
	// ErrDamagedDownload: a downloaded block did not decrypt or did not
	// match its hash or signature. It is not retried: what Proton Drive
	// holds is wrong. It matches destinations.ErrDamaged.
	ErrDamagedDownload error = damagedDownload{}
	// ErrDraftExists: another upload of the same name is in progress or
	// was interrupted (seen in the Proton Drive apps as a failed upload).
	ErrDraftExists = errors.New("an unfinished upload of that name is on Proton Drive: remove it in the Proton Drive app and try again")
)

// ErrFolderUnusable is wrapped by a *FolderError.
var ErrFolderUnusable = errors.New("a folder on Proton Drive cannot be used by cakebackup")

// FolderError: a folder on the way to a destination was made by a newer
// Proton Drive app in a form the bridge cannot look up by name (rclone
// issue 9622), or the names in it do not decrypt. cakebackup neither
// uses it nor creates a second folder of the same name next to it.
type FolderError struct {
	// Folder is the folder at fault, "/Backups".
	Folder string
	// Wanted is the whole path asked for, "/Backups/Cake".
	Wanted string
	// Unreadable: the names in Folder do not decrypt; otherwise Folder
	// exists but its name hash is not one the bridge can match.
	Unreadable bool
	// Err is the decryption error, when Unreadable.
	Err error
}

func (e *FolderError) Error() string {
	if e.Unreadable {
		return fmt.Sprintf("the names in folder %s on Proton Drive do not decrypt (made by another Proton Drive app?), so cakebackup cannot tell what is there", e.Folder)
	}
	return fmt.Sprintf("folder %s on Proton Drive was made by a newer Proton Drive app in a form cakebackup cannot open; it is left alone and no second %s is made", e.Folder, e.Folder)
}

// Unwrap returns ErrFolderUnusable (and the decryption error).
func (e *FolderError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrFolderUnusable, e.Err}
	}
	return []error{ErrFolderUnusable}
}

// Proton API codes this package tells apart. Codes marked "Drive" are
// from Proton's Drive clients; the rest are in go-proton-api.
const (
	codeWrongPassword         = protonapi.PasswordWrong             // 8002, with 422 from POST /auth/v4 (rclone issue 9207)
	codeUsernameInvalid       = protonapi.UsernameInvalid           // 6003, "still returned by login for non valid emails" (go-proton-api PR 22)
	codeHumanVerification     = protonapi.HumanVerificationRequired // 9001
	codeRefreshTokenInvalid   = protonapi.AuthRefreshTokenInvalid   // 10013
	codeAppVersionRefused     = protonapi.Code(2028)                // "This version of the app is no longer supported" (rclone issue 9764)
	codeAppVersionOutdated    = protonapi.Code(2000)                // "You are using an outdated version of the app" (rclone issue 7864)
	codeNameExists            = protonapi.AFileOrFolderNameExist    // 2500, Drive
	codeNotFound              = protonapi.Code(2501)                // Drive: "File or folder not found"
	codeInsufficientQuota     = protonapi.Code(200001)              // Drive: storage quota exceeded
	codeInsufficientSpace     = protonapi.Code(200002)              // Drive: not enough space
	codeMaxFileSizeForPlan    = protonapi.Code(200100)              // Drive: file too big for the plan
	codeInvalidAccessToken    = protonapi.Code(401)                 // sent with HTTP 401
	statusInsufficientStorage = http.StatusInsufficientStorage      // 507
)

// translate turns an error from the bridge or go-proton-api into one that
// wraps the sentinel a user can act on, keeping Proton's message for
// detail. what says what was being done, e.g. "uploading NAME". It
// returns nil for nil and leaves errors of this package alone.
func translate(err error, what string) error {
	if err == nil {
		return nil
	}
	if isOurs(err) {
		return fmt.Errorf("%s: %w", what, err)
	}
	sentinel := classify(err)
	if sentinel == nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	detail := detailOf(err)
	if detail == "" {
		return fmt.Errorf("%s: %w", what, sentinel)
	}
	return fmt.Errorf("%s: %w (%s)", what, sentinel, detail)
}

// isOurs reports errors already translated, or from the caller's side.
func isOurs(err error) bool {
	for _, s := range []error{
		ErrSessionExpired, ErrWrongPassword, ErrTwoFactorRequired, ErrWrongTwoFactor,
		ErrMailboxPasswordRequired, ErrKeysLocked, ErrHumanVerification, ErrAppVersionRefused, ErrRateLimited, ErrServer,
		ErrNetwork, ErrNameTaken, ErrDraftExists, ErrFolderUnusable, ErrNotLoggedIn, ErrDamagedDownload,
		destinations.ErrNoSpace, destinations.ErrNotFound, destinations.ErrReadOnly,
		context.Canceled, context.DeadlineExceeded,
	} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// classify returns the sentinel err means, or nil when it has no
// particular meaning for the user.
func classify(err error) error {
	switch {
	case errors.Is(err, bridgecommon.Err2FACodeRequired):
		return ErrTwoFactorRequired
	case errors.Is(err, bridgecommon.ErrMailboxPasswordRequired):
		return ErrMailboxPasswordRequired
	case errors.Is(err, bridge.ErrDraftExists), errors.Is(err, protonapi.ErrADraftExist):
		return ErrDraftExists
	case errors.Is(err, protonapi.ErrFileNameExist), errors.Is(err, protonapi.ErrFolderNameExist):
		return ErrNameTaken
	case errors.Is(err, protonapi.ErrInvalidProof):
		// The server's SRP proof does not match the one this password
		// gives: Proton normally refuses a wrong password before that.
		return ErrWrongPassword
	}
	if apiErr, ok := apiError(err); ok {
		return classifyAPI(err, apiErr)
	}
	var blockErr *blockStatusError
	if errors.As(err, &blockErr) {
		return classifyAPI(err, &protonapi.APIError{Status: blockErr.Status})
	}
	if errors.Is(err, bridge.ErrDownloadedBlockHashVerificationFailed) || strings.Contains(err.Error(), "gopenpgp:") {
		// The bridge checks each block's hash and signature and decrypts
		// it; garbage from a broken transfer fails there.
		return ErrDamagedDownload
	}
	// go-proton-api's Unlock wraps its failure in this text, with no
	// sentinel to match.
	if strings.Contains(err.Error(), "failed to unlock user keys") {
		return ErrKeysLocked
	}
	// A failed token refresh is a resty error wrapped in this text by
	// go-proton-api; the response behind it was a 4xx.
	if strings.Contains(err.Error(), "failed to refresh auth, de-auth") {
		return ErrSessionExpired
	}
	var netErr *protonapi.NetError
	var opErr *net.OpError
	var urlErr *url.Error
	if errors.As(err, &netErr) || errors.As(err, &opErr) || errors.As(err, &urlErr) ||
		errors.Is(err, io.ErrUnexpectedEOF) {
		return ErrNetwork
	}
	return nil
}

// classifyAPI classifies an error the API answered with.
func classifyAPI(err error, e *protonapi.APIError) error {
	msg := strings.ToLower(e.Message)
	switch {
	case isAppVersionRefusal(e):
		return ErrAppVersionRefused
	case e.Code == codeHumanVerification:
		return ErrHumanVerification
	case e.Code == codeWrongPassword && strings.Contains(err.Error(), "/auth/v4/2fa"):
		return ErrWrongTwoFactor
	case e.Code == codeWrongPassword, e.Code == codeUsernameInvalid:
		// Proton Bridge, Proton's own client, takes both for a wrong
		// username or password.
		return ErrWrongPassword
	case e.Code == codeRefreshTokenInvalid, e.Status == http.StatusUnauthorized, e.Code == codeInvalidAccessToken:
		return ErrSessionExpired
	case e.Code == codeInsufficientQuota, e.Code == codeInsufficientSpace, e.Code == codeMaxFileSizeForPlan,
		e.Status == statusInsufficientStorage, strings.Contains(msg, "quota"), strings.Contains(msg, "storage space"):
		return destinations.ErrNoSpace
	case e.Code == codeNameExists:
		return ErrNameTaken
	case e.Code == codeNotFound, e.Status == http.StatusNotFound:
		return destinations.ErrNotFound
	case e.Status == http.StatusTooManyRequests:
		return ErrRateLimited
	case e.Status >= 500:
		return ErrServer
	case e.Status == http.StatusForbidden:
		return destinations.ErrReadOnly
	}
	return nil
}

// isAppVersionRefusal reports Proton refusing the client's app version.
// Code 2028 also comes with "Our systems detected unusual activity" when
// Proton's abuse protection blocks an account (reported on rclone's
// tracker); that is not about the version and keeps Proton's words.
// 2000 is a generic code, so its message must name the version.
func isAppVersionRefusal(e *protonapi.APIError) bool {
	msg := strings.ToLower(e.Message)
	switch e.Code {
	case codeAppVersionRefused:
		return !strings.Contains(msg, "unusual activity")
	case codeAppVersionOutdated:
		return strings.Contains(msg, "version")
	}
	return false
}

// apiError finds Proton's APIError in err's chain; go-proton-api wraps it
// both by pointer and by value.
func apiError(err error) (*protonapi.APIError, bool) {
	var p *protonapi.APIError
	if errors.As(err, &p) {
		return p, true
	}
	var v protonapi.APIError
	if errors.As(err, &v) {
		return &v, true
	}
	return nil, false
}

// detailOf returns Proton's own words for err, when it said something,
// on one line. It never includes request URLs, which carry IDs only but
// make the line long and unreadable.
func detailOf(err error) string {
	if e, ok := apiError(err); ok && e.Message != "" {
		return strings.Join(strings.Fields(fmt.Sprintf("Proton: %s, code %d, HTTP %d", e.Message, e.Code, e.Status)), " ")
	}
	return ""
}

// damagedDownload is ErrDamagedDownload's type: its own sentinel, which
// matches destinations.ErrDamaged too.
type damagedDownload struct{}

func (damagedDownload) Error() string {
	return "the data Proton Drive sent does not decrypt or match its checksum or signature: the copy stored there is damaged"
}

// Is matches destinations.ErrDamaged.
func (damagedDownload) Is(target error) bool { return target == destinations.ErrDamaged }
