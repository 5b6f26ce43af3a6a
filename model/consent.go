package model

import (
	"slices"
	"time"
)

// Consent is the person's consent to a referral: given when, to whom, for what, recorded by
// whom, and its withdrawal.
type Consent struct {
	GivenAt     time.Time
	ActorID     string // the key of the recipient actor
	Scope       []ConsentScope
	RecordedBy  string
	WithdrawnAt *time.Time
	WithdrawnBy *string
}

// ConsentScopes are what every referral shares with its recipient, so what its consent covers.
var ConsentScopes = []ConsentScope{ConsentScopeNeeds, ConsentScopeStage, ConsentScopeHistory}

// Covers reports whether a consent of the scope lets a referral share all it shares.
func Covers(scope []ConsentScope) bool {
	for _, s := range ConsentScopes {
		if !slices.Contains(scope, s) {
			return false
		}
	}
	return true
}
